package detect

import (
	"slices"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"",
	"Liên hệ 0912 345 678 hoặc +84 (0) 912.345.678, (028) 3829 1234",
	"CCCD 001 089 012 345, CMND số 123456789, a.b@gmail.com, zalo.me/0912345678",
	"năm 2024 góp 1.500.000đ theo 61/2023/NĐ-CP, Điều 5 khoản 2, v.v. TP.HCM",
	"Đm thằng ngu, đ.m, v.c.l, cc, các, lớn, đeo, ngủ, l0n, dit me",
	"lo\u0302\u0300n \xff0912345678\xfe https://x.vn/(a)",
	"0 9 1 2 3 4 5 6 7 8 0xx xxx x678 [số định danh đã ẩn]",
}

func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ms := Scan(in)
		// Rune boundaries as the detectors see them: invalid bytes count as
		// one-byte runes, like utf8.DecodeRuneInString reads them.
		boundary := make([]bool, len(in)+1)
		for i := 0; i < len(in); {
			boundary[i] = true
			_, w := utf8.DecodeRuneInString(in[i:])
			i += w
		}
		boundary[len(in)] = true
		prevEnd := 0
		for i, m := range ms {
			if m.Start < 0 || m.End > len(in) || m.Start >= m.End {
				t.Fatalf("Scan(%q)[%d] = %+v: out of bounds or empty", in, i, m)
			}
			if m.Start < prevEnd {
				t.Fatalf("Scan(%q): match %d %+v overlaps or is out of order", in, i, m)
			}
			if !boundary[m.Start] || !boundary[m.End] {
				t.Fatalf("Scan(%q)[%d] = %+v: not on rune boundaries", in, i, m)
			}
			switch m.Kind {
			case PersonalData, Link, Profanity:
			default:
				t.Fatalf("Scan(%q)[%d]: unexpected kind %q", in, i, m.Kind)
			}
			if m.Detail == "" {
				t.Fatalf("Scan(%q)[%d]: empty Detail", in, i)
			}
			prevEnd = m.End
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Mask(in)
		// Inspect, which a new opinion goes through, is Mask and Scan in one pass.
		masked, found := Inspect(in)
		if masked != out {
			t.Fatalf("Inspect(%q) masks to %q, Mask to %q", in, masked, out)
		}
		if utf8.ValidString(in) && !slices.Equal(found, Scan(in)) {
			t.Fatalf("Inspect(%q) finds %v, Scan %v", in, found, Scan(in))
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Mask(%q) = %q: invalid UTF-8", in, out)
		}
		if again := Mask(out); again != out {
			t.Fatalf("Mask not idempotent: %q -> %q -> %q", in, out, again)
		}
		// Nothing personal is left for Scan to find.
		for _, m := range Scan(out) {
			if m.Kind == PersonalData {
				t.Fatalf("Mask(%q) = %q still has %q", in, out, out[m.Start:m.End])
			}
		}
	})
}
