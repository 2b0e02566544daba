package simclr

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/recipes/data"
)

func tiny() *data.Dataset {
	train, _ := data.EmbeddedFashionMNIST()
	return train.Sample(64, 1)
}

func quickConfig() Config {
	cfg := Defaults()
	cfg.BatchSize = 32
	cfg.Epochs = 1
	cfg.Seed = 7
	cfg.Quiet = true
	return cfg
}

// TestNewThenContinueIsTrain pins New: an untrained run whose Continue is
// exactly the run Train makes.
func TestNewThenContinueIsTrain(t *testing.T) {
	ds := tiny()
	cfg := quickConfig()
	fresh := New(ds, cfg)
	if fresh.Err != nil {
		t.Fatal(fresh.Err)
	}
	if fresh.Trainer.Step != 0 || len(fresh.Losses()) != 0 {
		t.Fatalf("New trained: %d steps", fresh.Trainer.Step)
	}
	before := fresh.Embed(ds)
	if before == nil || !reflect.DeepEqual(before.Shape, []int{64, 128}) {
		t.Fatalf("untrained Embed: %v (err %v), want [64 128]", before, fresh.Err)
	}
	fresh.Continue(ds, cfg.Epochs)
	trained := Train(ds, cfg)
	if fresh.Err != nil || trained.Err != nil {
		t.Fatalf("errors: %v, %v", fresh.Err, trained.Err)
	}
	if got, want := fresh.Losses(), trained.Losses(); len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("New+Continue losses %v, Train losses %v: want the same two steps", got, want)
	}
	after := fresh.Embed(ds)
	same := true
	for i := range after.Data {
		if after.Data[i] != before.Data[i] {
			same = false
			break
		}
	}
	if same {
		t.Error("training did not change the features")
	}
}

func TestBadInputIsAnError(t *testing.T) {
	ds := tiny()
	bad := quickConfig()
	bad.BatchSize = 1
	for _, tc := range []struct {
		name string
		run  *Run
		want string
	}{
		{"nil dataset", Train(nil, quickConfig()), "dataset is empty"},
		{"batch of 1", New(ds, bad), "BatchSize 1"},
		{"negative epochs", New(ds, quickConfig()).Continue(ds, -1), "epochs must not be negative"},
		{"nil dataset to Continue", New(ds, quickConfig()).Continue(nil, 1), "at least 2 images"},
		{"Continue without a model", (&Run{}).Continue(ds, 1), "simclr.New"},
	} {
		if tc.run.Err == nil || !strings.Contains(tc.run.Err.Error(), tc.want) {
			t.Errorf("%s: Err %v, want one mentioning %q", tc.name, tc.run.Err, tc.want)
		}
		if !strings.Contains(tc.run.HTML(), "color:#b00") {
			t.Errorf("%s: HTML does not show the error: %s", tc.name, tc.run.HTML())
		}
	}
	if _, err := New(ds, quickConfig()).EmbedErr(nil); err == nil {
		t.Error("EmbedErr(nil): no error")
	}
}

// TestRenderings pins what a cell shows for a Config (every field, with
// the default a zero stands for) and a Run.
func TestRenderings(t *testing.T) {
	got := Defaults().String()
	for _, want := range []string{"simclr.Config:", `Encoder     "convnet-s"`, "BatchSize   256 (images per step, 512 views)",
		"LR          0 (default: 1e-3 for adam", "Augment     nil (default: augment.Reference()", "Seed        0"} {
		if !strings.Contains(got, want) {
			t.Errorf("Defaults().String() lacks %q:\n%s", want, got)
		}
	}
	ds := tiny()
	run := New(ds, quickConfig())
	got = run.Config.String()
	for _, want := range []string{"LR          0.001\n", "Augment     RandomResizedCrop(28x28", "            HorizontalFlip(p=0.5)"} {
		if !strings.Contains(got, want) {
			t.Errorf("filled Config.String() lacks %q:\n%s", want, got)
		}
	}
	run.Continue(ds, 1)
	got = run.String()
	for _, want := range []string{"SimCLR run: convnet-s encoder, 2-layer head, tau 0.5, batch 32, adam lr 0.001; 2 steps (1 epoch), loss ", " ms/step"} {
		if !strings.Contains(got, want) {
			t.Errorf("Run.String() = %q, lacks %q", got, want)
		}
	}
	if strings.Contains(run.HTML(), "color:#b00") {
		t.Errorf("a good run renders as an error: %s", run.HTML())
	}
}
