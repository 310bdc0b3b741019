package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
)

func themeList(ts []app.Theme) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("%s=%d", t.Label, t.Count))
	}
	return strings.Join(parts, ", ")
}

func TestFindThemes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		texts []string
		limit int
		want  string // label=count, in order
	}{
		{
			name: "marks folded: typed with and without tone marks count together",
			texts: []string{
				"Đề nghị sửa đường làng trước mùa mưa.",
				"duong lang xuong cap qua, can sua gap",
				"Đường làng ngập nước mỗi khi mưa to.",
				"Tôi đồng ý với dự thảo.",
			},
			limit: 10,
			want:  "đường làng=3",
		},
		{
			name: "stop words never start, end or sit inside a theme",
			texts: []string{
				"Thu gom rác của thôn và rác của xóm.",
				"Thu gom rác cho thôn.",
				"Việc thu gom rác của thôn nên làm hằng tuần.",
			},
			limit: 10,
			// "rác của thôn" (3 opinions) and "của thôn" hold a stop word; "thu gom" is left
			// out because every opinion goes on into "thu gom rác".
			want: "thu gom rác=3",
		},
		{
			name: "once per opinion, however often it repeats the phrase",
			texts: []string{
				"Đèn đường, đèn đường, đèn đường!",
				"Lắp đèn đường ở ngõ 4.",
				"Thu gom rác. Thu gom rác. Thu gom rác.",
				"Thu gom rác ở chợ.",
				"Thu gom rác sớm.",
			},
			limit: 10,
			want:  "thu gom rác=3, đèn đường=2",
		},
		{
			name: "a phrase does not run across punctuation",
			texts: []string{
				"Cần làm đường. Làng cần đèn.",
				"Sửa đường, làng sẽ sạch.",
			},
			limit: 10,
			want:  "",
		},
		{
			name: "a word with marks is judged as written: vệ is not về, chợ is not cho",
			texts: []string{
				"Giữ vệ sinh chợ sạch sẽ.",
				"Vệ sinh chợ kém.",
				"Ve sinh cho qua te.",    // without marks: "cho" may be the stop word, "vệ sinh" still counts
				"Về sinh hoạt của thôn.", // "về" with its marks is the stop word: not "vệ sinh"
				"Vệ sinh đường làng.",
			},
			limit: 10,
			want:  "vệ sinh=4, vệ sinh chợ=3",
		},
		{
			name: "numbers alone are not a theme, but with a word they are",
			texts: []string{
				"Sửa điều 5 năm 2023 ngay.",
				"Điều 5 năm 2023 chưa hợp lý.",
			},
			limit: 10,
			want:  "5 năm 2023=2, điều 5 năm=2",
		},
		{
			name: "generic consultation words are not themes",
			texts: []string{
				"Góp ý dự thảo hương ước: đồng ý.",
				"Ý kiến về dự thảo hương ước: đồng ý.",
			},
			limit: 10,
			want:  "",
		},
		{
			name: "most shared first, at most the limit",
			texts: []string{
				"Cưới tiết kiệm, tang lễ đơn giản.",
				"Cưới tiết kiệm là đúng.",
				"Cưới tiết kiệm, không mở nhạc to.",
				"Tang lễ đơn giản.",
				"Mở nhạc to sau 22 giờ phải phạt.",
				"Không mở nhạc to ban đêm.",
			},
			limit: 2,
			want:  "cưới tiết kiệm=3, mở nhạc to=3",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := themeList(app.FindThemes(tc.texts, tc.limit)); got != tc.want {
				t.Errorf("themes\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func TestMatchesTheme(t *testing.T) {
	for _, tc := range []struct {
		text, phrase string
		want         bool
	}{
		{"Đề nghị sửa đường làng.", "duong lang", true},
		{"duong lang xuong cap", "đường làng", true},
		{"ĐƯỜNG LÀNG", "duong lang", true},
		{"Sửa đường, làng sẽ sạch.", "duong lang", false}, // not in one clause
		{"Đường làngg", "duong lang", false},              // whole syllables only
		{"con đường làng xã", "duong lang", true},
		{"Về sinh hoạt của thôn", "ve sinh", false}, // "về" written with its marks is not "vệ"
		{"Ve sinh cho sach", "vệ sinh", true},
		{"anything", "", false},
	} {
		if got := app.MatchesTheme(tc.text, tc.phrase); got != tc.want {
			t.Errorf("MatchesTheme(%q, %q) = %v, want %v", tc.text, tc.phrase, got, tc.want)
		}
	}
}
