package data

import (
	"testing"
)

func TestLoadCIFAR10(t *testing.T) {
	e := loadExpect(t)
	train, test, err := LoadCIFAR10("testdata/cifar-10-batches-bin")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 9 || test.Len() != 2 {
		t.Fatalf("%d/%d records, want 9/2", train.Len(), test.Len())
	}
	k := 0
	for _, f := range []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"} {
		for i, l := range e.CIFAR10[f].Labels {
			if train.Labels[k] != l {
				t.Errorf("%s record %d: label %d, want %d", f, i, train.Labels[k], l)
			}
			img := train.Image(k)
			var sum float64
			for _, v := range img.Data {
				sum += float64(v) * 255
			}
			if want := float64(e.CIFAR10[f].PixelSums[i]); sum < want-0.5 || sum > want+0.5 {
				t.Errorf("%s record %d: pixel sum %v, want %v", f, i, sum, want)
			}
			k++
		}
	}
	// Channel-major layout: red (0,0), green (0,0), blue (31,31) of the
	// first test image.
	img := test.Image(0)
	first := e.CIFAR10["test_batch.bin"].First
	for i, off := range []int{0, 1024, 3*1024 - 1} {
		if got := img.Data[off] * 255; got < float32(first[i])-0.01 || got > float32(first[i])+0.01 {
			t.Errorf("pixel %d = %v, want %d", off, got, first[i])
		}
	}
	if test.Classes[9] != "truck" || len(test.Shape()) != 3 || test.Shape()[0] != 3 {
		t.Errorf("classes %v shape %v", test.Classes, test.Shape())
	}
}

func TestLoadCIFAR100(t *testing.T) {
	e := loadExpect(t)
	for _, coarse := range []bool{false, true} {
		train, test, err := LoadCIFAR100("testdata/cifar-100-binary", coarse)
		if err != nil {
			t.Fatal(err)
		}
		want := e.CIFAR100["train.bin"].Fine
		if coarse {
			want = e.CIFAR100["train.bin"].Coarse
		}
		for i, l := range want {
			if train.Labels[i] != l {
				t.Errorf("coarse=%v: label %d = %d, want %d", coarse, i, train.Labels[i], l)
			}
		}
		if coarse && train.Classes[3] != "coarse3" || !coarse && test.Classes[42] != "fine42" {
			t.Errorf("class names not read")
		}
	}
}

func TestCIFARErrors(t *testing.T) {
	_, err := ReadCIFAR("x", []string{"testdata/cifar-bad/test_batch.bin"}, 2, 1, nil)
	wantErr(t, err, "cifar-bad/test_batch.bin", "not a whole number of 3074-byte CIFAR records")
	_, _, err = LoadCIFAR10("testdata/cifar-bad")
	wantErr(t, err, "data_batch_1.bin", "file not found")
	// CIFAR-100 files read as CIFAR-10: the sizes do not match.
	_, err = ReadCIFAR("x", []string{"testdata/cifar-100-binary/test.bin"}, 1, 0, CIFAR10Classes)
	wantErr(t, err, "test.bin", "3073-byte")
}
