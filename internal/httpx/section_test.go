package httpx

import "testing"

func TestSectionFilter(t *testing.T) {
	for _, tc := range []struct {
		in      string
		general bool
		id      int64 // 0: none
		ok      bool
	}{
		{"", false, 0, true},
		{"none", true, 0, true},
		{"42", false, 42, true},
		{"+7", false, 7, true},
		{"None", false, 0, false},
		{"4x", false, 0, false},
		{"99999999999999999999", false, 0, false},
	} {
		f, ok := SectionFilter(tc.in)
		id := int64(0)
		if f.SectionID != nil {
			id = *f.SectionID
		}
		if ok != tc.ok || (ok && (f.General != tc.general || id != tc.id)) {
			t.Errorf("SectionFilter(%q) = %+v (id %d), %v; want general %v, id %d, %v", tc.in, f, id, ok, tc.general, tc.id, tc.ok)
		}
	}
}
