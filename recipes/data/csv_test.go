package data

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLoadCSV(t *testing.T) {
	d, err := LoadCSV("testdata/table.csv", CSVOptions{Label: "species"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 4 || !reflect.DeepEqual(d.Shape(), []int{2}) {
		t.Fatalf("%d rows of %v, want 4 of [2]", d.Len(), d.Shape())
	}
	if !reflect.DeepEqual(d.Classes, []string{"setosa", "versicolor", "virginica"}) || !reflect.DeepEqual(d.Labels, []int{0, 1, 2, 0}) {
		t.Errorf("classes %v labels %v", d.Classes, d.Labels)
	}
	if got := d.Image(1).Data; got[0] != 7.0 || got[1] != 3.2 {
		t.Errorf("row 1 = %v, want [7 3.2]", got)
	}
	// Without labels: all columns but the strings fail.
	_, err = LoadCSV("testdata/table.csv", CSVOptions{})
	wantErr(t, err, "table.csv", "line 2", `column "species"`, `"setosa" is not a number`)
	_, err = LoadCSV("testdata/table-bad.csv", CSVOptions{Label: "label"})
	wantErr(t, err, "table-bad.csv", "line 3", `column "b"`)
	_, err = LoadCSV("testdata/table.csv", CSVOptions{Label: "kind"})
	wantErr(t, err, `no column "kind"`, "sepal_length, sepal_width, species")

	dir := t.TempDir()
	p := filepath.Join(dir, "n.csv")
	os.WriteFile(p, []byte("1;2;3\n4;5;1\n7;;0\n"), 0o644)
	_, err = LoadCSV(p, CSVOptions{Label: "2", Comma: ';'})
	wantErr(t, err, "line 3", "missing value")
	os.WriteFile(p, []byte("1;2;3\n4;5;1\n"), 0o644)
	d, err = LoadCSV(p, CSVOptions{Label: "2", Comma: ';'})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Labels, []int{3, 1}) || len(d.Classes) != 4 || d.Image(1).Data[1] != 5 {
		t.Errorf("labels %v classes %v", d.Labels, d.Classes)
	}
	os.WriteFile(p, []byte("1,2\n3\n"), 0o644)
	_, err = LoadCSV(p, CSVOptions{})
	wantErr(t, err, "line 2", "wrong number of fields")
}
