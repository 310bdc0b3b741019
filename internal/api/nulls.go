package api

import (
	"encoding/json"
	"reflect"
	"strings"
)

// nullField finds, in a JSON body, a null sent for a field that cannot be null: one whose Go
// type is not a pointer, slice, map or interface, so encoding/json would quietly leave its
// zero value. The API document does not allow null there, and a client that sent it meant
// something the server would not do; it is refused like any value of the wrong type. The
// answer is the JSON name of the field ("" when there is none), with its path in objects.
func nullField(raw []byte, t reflect.Type) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return findNull(v, t, "")
}

func findNull(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return ""
		}
		for name, val := range x {
			ft, ok := jsonFieldType(t, name)
			if !ok {
				continue
			}
			if val == nil {
				switch ft.Kind() {
				case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
				default:
					return path + name
				}
				continue
			}
			if bad := findNull(val, ft, path+name+"."); bad != "" {
				return bad
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return ""
		}
		for _, item := range x {
			if item == nil {
				continue // an element of an array: left to the type check
			}
			if bad := findNull(item, t.Elem(), path); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// jsonFieldType is the type of the field a struct decodes the JSON name from, looking
// through embedded structs as encoding/json does.
func jsonFieldType(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ft, ok := jsonFieldType(et, name); ok {
					return ft, true
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		key := tag
		if key == "" {
			key = f.Name
		}
		if strings.EqualFold(key, name) {
			return f.Type, true
		}
	}
	return nil, false
}
