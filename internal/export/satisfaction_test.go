package export

import (
	"testing"

	"github.com/gopy-vn/gopy/internal/i18n"
)

func TestTenths(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{i18n.VI, 42, "4,2"}, {i18n.EN, 42, "4.2"}, {i18n.VI, 0, "0,0"}, {i18n.VI, 100, "10,0"}, {i18n.VI, 5, "0,5"}, {i18n.EN, -15, "-1.5"},
	} {
		if got := Tenths(c.lang, c.n); got != c.want {
			t.Errorf("Tenths(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
