package qr

import (
	"errors"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// formatQ is the 15-bit format information for error correction level Q and each mask
// pattern, BCH-protected and XOR-ed with 101010000010010 (ISO/IEC 18004 table C.1).
var formatQ = [8]uint16{0x355f, 0x3068, 0x3f31, 0x3a06, 0x24b4, 0x2183, 0x2eda, 0x2bed}

// maskBit reports whether mask pattern m inverts the module in column x, row y.
func maskBit(m, x, y int) bool {
	switch m {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (y/2+x/3)%2 == 0
	case 5:
		return (x*y)%2+(x*y)%3 == 0
	case 6:
		return ((x*y)%2+(x*y)%3)%2 == 0
	}
	return ((x+y)%2+(x*y)%3)%2 == 0
}

type point struct{ x, y int }

// formatPositions are the two copies of the format information, most significant bit first:
// one along row 8 (left of the top-right finder's gap, then under it), one along column 8
// (up from the bottom, then beside the top-left finder).
func formatPositions(n int) (row, col [15]point) {
	for i := range 15 {
		switch {
		case i < 6:
			row[i] = point{i, 8}
		case i == 6:
			row[i] = point{7, 8}
		default:
			row[i] = point{n - 15 + i, 8}
		}
		switch {
		case i < 7:
			col[i] = point{8, n - 1 - i}
		case i == 7:
			col[i] = point{8, 8}
		case i == 8:
			col[i] = point{8, 7}
		default:
			col[i] = point{8, 14 - i}
		}
	}
	return row, col
}

// alignmentCoords are the rows (and columns) of the alignment patterns' centres
// (ISO/IEC 18004 annex E): 6, then evenly spaced up to 7 modules from the far edge.
func alignmentCoords(version int) []int {
	if version < 2 {
		return nil
	}
	size := 17 + 4*version
	count := version/7 + 2
	step := (version*4 + count*2 + 1) / (count*2 - 2) * 2
	if version == 32 {
		step = 26
	}
	coords := make([]int, count)
	coords[0] = 6
	for i, pos := count-1, size-7; i >= 1; i, pos = i-1, pos-step {
		coords[i] = pos
	}
	return coords
}

// alignmentModules marks the modules of the alignment patterns. The library types them as
// data but leaves them unmasked, so they must be told apart from the data modules.
func alignmentModules(version int) map[point]bool {
	coords := alignmentCoords(version)
	last := len(coords) - 1
	out := map[point]bool{}
	for i, cy := range coords {
		for j, cx := range coords {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue // where the finder patterns are
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					out[point{cx + dx, cy + dy}] = true
				}
			}
		}
	}
	return out
}

var errFormat = errors.New("qr: the encoder's format information is not level Q with a known mask")

// fromMatrix takes the library's masked matrix, removes its mask from the data modules and
// applies the mask with the lowest penalty, the lowest number on a tie.
func fromMatrix(mat qrcode.Matrix) (*Code, error) {
	n := mat.Width()
	if n < 21 || n != mat.Height() || (n-17)%4 != 0 {
		return nil, errors.New("qr: the encoder returned a matrix of an impossible size")
	}
	base := make([]bool, n*n)
	data := make([]bool, n*n)
	kinds := make([]qrcode.QRType, n*n)
	align := alignmentModules((n - 17) / 4)
	mat.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		base[y*n+x], kinds[y*n+x] = v.IsSet(), v.Type()
		data[y*n+x] = v.Type() == qrcode.QRType_DATA && !align[point{x, y}]
	})
	row, col := formatPositions(n)
	var bits uint16
	for _, p := range row {
		bits <<= 1
		if base[p.y*n+p.x] {
			bits |= 1
		}
	}
	used := -1
	for m, f := range formatQ {
		if f == bits {
			used = m
		}
	}
	if used < 0 {
		return nil, errFormat
	}
	for i, d := range data {
		if d && maskBit(used, i%n, i/n) {
			base[i] = !base[i]
		}
	}

	best, bestScore := (*Code)(nil), 0
	for m := range 8 {
		c := &Code{Version: (n - 17) / 4, Size: n, Mask: m, dark: make([]bool, n*n)}
		copy(c.dark, base)
		for i, d := range data {
			if d && maskBit(m, i%n, i/n) {
				c.dark[i] = !c.dark[i]
			}
		}
		for i := range 15 {
			on := formatQ[m]&(1<<(14-i)) != 0
			c.dark[row[i].y*n+row[i].x] = on
			c.dark[col[i].y*n+col[i].x] = on
		}
		if score := penalty(c.dark, kinds, n); best == nil || score < bestScore {
			best, bestScore = c, score
		}
	}
	return best, nil
}

// penalty scores a masked symbol the way the library does (the rules of ISO/IEC 18004
// §7.8.3 as it implements them: runs of five or more, 2×2 blocks and finder-like patterns,
// the last two only among modules of one kind, and the dark share), so that the mask
// chosen is the library's own whenever no two masks tie.
func penalty(dark []bool, kinds []qrcode.QRType, n int) int {
	score := 0
	at := func(i, j int, vertical bool) int {
		if vertical {
			return j*n + i
		}
		return i*n + j
	}
	const finderLen = 11
	finder := [2][finderLen]bool{
		{true, false, true, true, true, false, true, false, false, false, false},
		{false, false, false, false, true, false, true, true, true, false, true},
	}
	for _, vertical := range []bool{false, true} {
		for i := 0; i < n; i++ {
			run := 0
			for j := 0; j < n; j++ {
				if j > 0 && dark[at(i, j, vertical)] == dark[at(i, j-1, vertical)] {
					run++
				} else {
					run = 1
				}
				if run == 5 {
					score += 3
				} else if run > 5 {
					score++
				}
			}
			for j := 0; j+finderLen <= n; j++ {
				for _, f := range finder {
					match := true
					for k := 0; k < finderLen && match; k++ {
						m := at(i, j+k, vertical)
						match = kinds[m] == qrcode.QRType_DATA && dark[m] == f[k]
					}
					if match {
						score += 40
					}
				}
			}
		}
	}
	darkCount := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			i := y*n + x
			if dark[i] {
				darkCount++
			}
			if x+1 < n && y+1 < n {
				same := true
				for _, o := range []int{i + 1, i + n, i + n + 1} {
					same = same && dark[o] == dark[i] && kinds[o] == kinds[i]
				}
				if same {
					score += 3
				}
			}
		}
	}
	ratio := darkCount * 100 / (n * n)
	step := 0
	if ratio%5 == 0 {
		step = 1
	}
	prev, next := (ratio/5-step)*5-50, (ratio/5+1-step)*5-50
	return score + min(absInt(prev), absInt(next))/5*10
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
