package reuse

import (
	"reflect"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/store"
)

// Every input of a staged copy changes its key, the fields of its images'
// store entries included, but for those that never show in a page: a new
// field left out of the key fails here.
func TestStagedKeyCoversEveryInput(t *testing.T) {
	base := func() StagedInputs {
		return StagedInputs{Images: []store.Entry{{Variants: store.Variants{{}}}}}
	}
	k0 := base().Key()
	for _, path := range leaves(reflect.TypeOf(StagedInputs{}), nil) {
		in := base()
		poke(reflect.ValueOf(&in).Elem(), path)
		name := pathName(reflect.TypeOf(in), path)
		changed := in.Key() != k0
		if hidden := len(path) == 3 && path[0] == fieldIndex[StagedInputs]("Images") && notShown[name]; hidden {
			if changed {
				t.Errorf("%s changes the key, but never shows in a page", name)
			}
			continue
		}
		if !changed {
			t.Errorf("%s is not in the key of a staged article", name)
		}
	}
}

// A path to a field: field indexes, with -1 for "the first element".
type fieldPath []int

// leaves lists the paths to every leaf field of t, through slices (their
// first element) and structs; a Key is a leaf.
func leaves(t reflect.Type, at fieldPath) []fieldPath {
	switch {
	case t == reflect.TypeOf(Key{}):
		return []fieldPath{at}
	case t.Kind() == reflect.Struct && t.NumField() > 0 && t != reflect.TypeOf(store.Entry{}.Fetched):
		var out []fieldPath
		for i := range t.NumField() {
			out = append(out, leaves(t.Field(i).Type, append(append(fieldPath{}, at...), i))...)
		}
		return out
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return leaves(t.Elem(), append(append(fieldPath{}, at...), -1))
	}
	return []fieldPath{at}
}

// poke sets the leaf at path to a value that is not its zero.
func poke(v reflect.Value, path fieldPath) {
	for _, i := range path {
		if i < 0 {
			v = v.Index(0)
		} else {
			v = v.Field(i)
		}
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Array:
		v.Index(0).SetUint(1)
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.ValueOf("x")))
	case reflect.Struct: // a time
		v.Set(reflect.ValueOf(store.Entry{}.Fetched.AddDate(1, 0, 0)))
	default:
		panic("poke: " + v.Kind().String())
	}
}

// pathName is the name of the leaf at path.
func pathName(t reflect.Type, path fieldPath) string {
	name := ""
	for _, i := range path {
		if i < 0 {
			t = t.Elem()
			continue
		}
		name, t = t.Field(i).Name, t.Field(i).Type
	}
	return name
}

// fieldIndex is the index of a field of T.
func fieldIndex[T any](name string) int {
	f, _ := reflect.TypeOf(*new(T)).FieldByName(name)
	return f.Index[0]
}
