package draft

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// huongUoc is a trimmed-down but realistic village charter, laid out the way
// officials paste it from Word: title block, căn cứ lines, chapter titles on
// their own line in capitals, numbered clauses with lettered points.
const huongUoc = `HƯƠNG ƯỚC
THÔN ĐÔNG HÀ, XÃ TÂN LẬP

Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;
Căn cứ Nghị định số 61/2023/NĐ-CP ngày 16 tháng 8 năm 2023 của Chính phủ;


Hội nghị thôn Đông Hà thống nhất ban hành Hương ước như sau:

Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Hương ước này quy định về việc cưới, việc tang, lễ hội và giữ gìn an ninh trật tự trong thôn.

Điều 2. Đối tượng áp dụng
Hương ước áp dụng đối với mọi hộ gia đình, cá nhân cư trú tại thôn Đông Hà.

Chương II
XÂY DỰNG NẾP SỐNG VĂN HÓA

Điều 3. Việc cưới
1. Khi tổ chức cưới phải đăng ký kết hôn tại Ủy ban nhân dân xã.
2. Tổ chức lễ cưới trang trọng, tiết kiệm, lành mạnh:
a) Không thách cưới, không đòi hỏi lễ vật;
b) Không tổ chức ăn uống linh đình, kéo dài nhiều ngày.
3. Không sử dụng loa đài công suất lớn sau 22 giờ.

Điều 4. Việc tang
Việc tang được tổ chức chu đáo, tiết kiệm.
1. Gia đình có người qua đời báo ngay cho Trưởng thôn.
2. Không rải vàng mã trên đường đi.

Điều 5: Mừng thọ
Con cháu tổ chức mừng thọ cho ông bà, cha mẹ vào dịp đầu xuân.
Điều 6 - Khen thưởng và xử lý vi phạm
1) Hộ gia đình thực hiện tốt Hương ước được biểu dương tại hội nghị thôn.
2) Người vi phạm bị nhắc nhở, phê bình trước hội nghị thôn.
`

func TestSplitHuongUoc(t *testing.T) {
	want := []Section{
		{1, Preamble, 0, "p", "", "", "HƯƠNG ƯỚC\nTHÔN ĐÔNG HÀ, XÃ TÂN LẬP\n\nCăn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;\nCăn cứ Nghị định số 61/2023/NĐ-CP ngày 16 tháng 8 năm 2023 của Chính phủ;\n\nHội nghị thôn Đông Hà thống nhất ban hành Hương ước như sau:"},
		{2, Chapter, 0, "c1", "I", "Chương I. NHỮNG QUY ĐỊNH CHUNG", ""},
		{3, Article, 1, "c1.d1", "1", "Điều 1. Phạm vi điều chỉnh", "Hương ước này quy định về việc cưới, việc tang, lễ hội và giữ gìn an ninh trật tự trong thôn."},
		{4, Article, 1, "c1.d2", "2", "Điều 2. Đối tượng áp dụng", "Hương ước áp dụng đối với mọi hộ gia đình, cá nhân cư trú tại thôn Đông Hà."},
		{5, Chapter, 0, "c2", "II", "Chương II. XÂY DỰNG NẾP SỐNG VĂN HÓA", ""},
		{6, Article, 1, "c2.d3", "3", "Điều 3. Việc cưới", ""},
		{7, Clause, 2, "c2.d3.k1", "1", "1.", "Khi tổ chức cưới phải đăng ký kết hôn tại Ủy ban nhân dân xã."},
		{8, Clause, 2, "c2.d3.k2", "2", "2.", "Tổ chức lễ cưới trang trọng, tiết kiệm, lành mạnh:\na) Không thách cưới, không đòi hỏi lễ vật;\nb) Không tổ chức ăn uống linh đình, kéo dài nhiều ngày."},
		{9, Clause, 2, "c2.d3.k3", "3", "3.", "Không sử dụng loa đài công suất lớn sau 22 giờ."},
		{10, Article, 1, "c2.d4", "4", "Điều 4. Việc tang", "Việc tang được tổ chức chu đáo, tiết kiệm."},
		{11, Clause, 2, "c2.d4.k1", "1", "1.", "Gia đình có người qua đời báo ngay cho Trưởng thôn."},
		{12, Clause, 2, "c2.d4.k2", "2", "2.", "Không rải vàng mã trên đường đi."},
		{13, Article, 1, "c2.d5", "5", "Điều 5: Mừng thọ", "Con cháu tổ chức mừng thọ cho ông bà, cha mẹ vào dịp đầu xuân."},
		{14, Article, 1, "c2.d6", "6", "Điều 6 - Khen thưởng và xử lý vi phạm", ""},
		{15, Clause, 2, "c2.d6.k1", "1", "1)", "Hộ gia đình thực hiện tốt Hương ước được biểu dương tại hội nghị thôn."},
		{16, Clause, 2, "c2.d6.k2", "2", "2)", "Người vi phạm bị nhắc nhở, phê bình trước hội nghị thôn."},
	}
	got := Split(huongUoc)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Split(huongUoc) mismatch\n got: %s\nwant: %s", dump(got), dump(want))
	}

	// Windows line endings, a BOM and decomposed diacritics must not change the result.
	crlf := "\uFEFF" + strings.ReplaceAll(huongUoc, "\n", "\r\n")
	crlf = strings.ReplaceAll(crlf, "Điều", "Đie\u0302\u0300u")
	if got := Split(crlf); !reflect.DeepEqual(got, want) {
		t.Fatalf("Split(CRLF huongUoc) mismatch\n got: %s\nwant: %s", dump(got), dump(want))
	}
}

// sec is the part of a Section the table tests pin down; Ordinal and Level
// follow from Kind and order and are checked by the fuzz invariants.
type sec struct {
	Kind    Kind
	Path    string
	Number  string
	Heading string
	Body    string
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []sec
	}{
		{"empty", "", nil},
		{"blank", " \n\t\r\n\u00A0\n\uFEFF", nil},
		{
			"no headings",
			"Kế hoạch tổ chức Tết Trung thu năm 2024\n\n\n\nThôn sẽ tổ chức vui Tết Trung thu cho các cháu thiếu nhi.  \n",
			[]sec{{Preamble, "p", "", "", "Kế hoạch tổ chức Tết Trung thu năm 2024\n\nThôn sẽ tổ chức vui Tết Trung thu cho các cháu thiếu nhi."}},
		},
		{
			"chapter heading variants",
			"Chương I. Quy định chung\nCHƯƠNG 2: QUY ĐỊNH CỤ THỂ\nchương III – Điều khoản thi hành\nChuong IV\nChương XL - Cuối\nChương 07",
			[]sec{
				{Chapter, "c1", "I", "Chương I. Quy định chung", ""},
				{Chapter, "c2", "2", "CHƯƠNG 2: QUY ĐỊNH CỤ THỂ", ""},
				{Chapter, "c3", "III", "chương III – Điều khoản thi hành", ""},
				{Chapter, "c4", "IV", "Chuong IV", ""},
				{Chapter, "c40", "XL", "Chương XL - Cuối", ""},
				{Chapter, "c7", "07", "Chương 07", ""},
			},
		},
		{
			"chapter title on next line",
			"Chương I\n\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nChương II:\nQUYỀN VÀ NGHĨA VỤ\nChương III\nNội dung chương ba viết thường.\nChương IV\nĐIỀU 9. KHÔNG PHẢI TIÊU ĐỀ CHƯƠNG",
			[]sec{
				{Chapter, "c1", "I", "Chương I. NHỮNG QUY ĐỊNH CHUNG", ""},
				{Article, "c1.d1", "1", "Điều 1. Phạm vi", ""},
				{Chapter, "c2", "II", "Chương II: QUYỀN VÀ NGHĨA VỤ", ""},
				{Chapter, "c3", "III", "Chương III", "Nội dung chương ba viết thường."},
				{Chapter, "c4", "IV", "Chương IV", ""},
				{Article, "c4.d9", "9", "ĐIỀU 9. KHÔNG PHẢI TIÊU ĐỀ CHƯƠNG", ""},
			},
		},
		{
			"article heading variants",
			"Điều 5. Việc cưới\nĐiều 12: Trách nhiệm\nĐIỀU 3 - PHẠM VI\nĐiều   7 .  Việc tang\nĐiều 5a. Bổ sung\n\tĐiều 8\u00A0– Lễ hội\nĐiều 9",
			[]sec{
				{Article, "d5", "5", "Điều 5. Việc cưới", ""},
				{Article, "d12", "12", "Điều 12: Trách nhiệm", ""},
				{Article, "d3", "3", "ĐIỀU 3 - PHẠM VI", ""},
				{Article, "d7", "7", "Điều   7 .  Việc tang", ""},
				{Article, "d5a", "5a", "Điều 5a. Bổ sung", ""},
				{Article, "d8", "8", "Điều 8 – Lễ hội", ""},
				{Article, "d9", "9", "Điều 9", ""},
			},
		},
		{
			"non-heading traps",
			"Điều 1. Phạm vi điều chỉnh\nĐiều này quy định việc giữ gìn vệ sinh môi trường.\nNgười vi phạm bị xử lý theo\nĐiều 5 của Luật Bảo vệ môi trường.\nMọi điều trái với Hương ước đều bị phê phán.\nChương trình hành động được thôn thông qua.\nKhoản 2 Điều 3 không áp dụng.\n1.5 triệu đồng mỗi hộ.",
			[]sec{
				{Article, "d1", "1", "Điều 1. Phạm vi điều chỉnh", "Điều này quy định việc giữ gìn vệ sinh môi trường.\nNgười vi phạm bị xử lý theo\nĐiều 5 của Luật Bảo vệ môi trường.\nMọi điều trái với Hương ước đều bị phê phán.\nChương trình hành động được thôn thông qua.\nKhoản 2 Điều 3 không áp dụng.\n1.5 triệu đồng mỗi hộ."},
			},
		},
		{
			"years and restarted lists stay in the clause",
			"Điều 4. Lộ trình thực hiện\n1. Thôn thực hiện theo từng năm:\n2024. Làm đường bê tông;\n2025. Lắp đèn chiếu sáng.\n1. Danh sách này có thể điều chỉnh.\n2. Trưởng thôn báo cáo kết quả.",
			[]sec{
				{Article, "d4", "4", "Điều 4. Lộ trình thực hiện", ""},
				{Clause, "d4.k1", "1", "1.", "Thôn thực hiện theo từng năm:\n2024. Làm đường bê tông;\n2025. Lắp đèn chiếu sáng.\n1. Danh sách này có thể điều chỉnh."},
				{Clause, "d4.k2", "2", "2.", "Trưởng thôn báo cáo kết quả."},
			},
		},
		{
			"numbered lines outside articles are body",
			"Kế hoạch gồm:\n1. Mục đích\n2. Yêu cầu\nChương I. Nội dung\n1. Không phải khoản.",
			[]sec{
				{Preamble, "p", "", "", "Kế hoạch gồm:\n1. Mục đích\n2. Yêu cầu"},
				{Chapter, "c1", "I", "Chương I. Nội dung", "1. Không phải khoản."},
			},
		},
		{
			"khoản markers and points",
			"Điều 10. Bảo vệ an ninh\nKhoản 1. Mọi người có trách nhiệm tố giác tội phạm.\nKhoản 2: Các hộ gia đình phải:\na) Khai báo tạm trú;\nđ) Giữ gìn trật tự.\nKhoản 3.\nNội dung để ở dòng sau.",
			[]sec{
				{Article, "d10", "10", "Điều 10. Bảo vệ an ninh", ""},
				{Clause, "d10.k1", "1", "Khoản 1.", "Mọi người có trách nhiệm tố giác tội phạm."},
				{Clause, "d10.k2", "2", "Khoản 2:", "Các hộ gia đình phải:\na) Khai báo tạm trú;\nđ) Giữ gìn trật tự."},
				{Clause, "d10.k3", "3", "Khoản 3.", "Nội dung để ở dòng sau."},
			},
		},
		{
			"duplicate numbers get unique paths",
			"Chương I\nĐiều 5. Một\nĐiều 5. Hai\n1. Khoản của điều trùng.\nĐiều 5. Ba\nChương 1\nĐiều 5. Bốn",
			[]sec{
				{Chapter, "c1", "I", "Chương I", ""},
				{Article, "c1.d5", "5", "Điều 5. Một", ""},
				{Article, "c1.d5-2", "5", "Điều 5. Hai", ""},
				{Clause, "c1.d5-2.k1", "1", "1.", "Khoản của điều trùng."},
				{Article, "c1.d5-3", "5", "Điều 5. Ba", ""},
				{Chapter, "c1-2", "1", "Chương 1", ""},
				{Article, "c1-2.d5", "5", "Điều 5. Bốn", ""},
			},
		},
		{
			"headings only",
			"Chương I. Chung\nĐiều 1. A\nĐiều 2. B\n\n\n",
			[]sec{
				{Chapter, "c1", "I", "Chương I. Chung", ""},
				{Article, "c1.d1", "1", "Điều 1. A", ""},
				{Article, "c1.d2", "2", "Điều 2. B", ""},
			},
		},
		{
			"unaccented text",
			"Huong uoc thon Dong Ha\nChuong 1\nQUY DINH CHUNG\nDieu 2. Doi tuong ap dung\n1. Ho gia dinh trong thon.\nkhoan 2: Ca nhan tam tru.",
			[]sec{
				{Preamble, "p", "", "", "Huong uoc thon Dong Ha"},
				{Chapter, "c1", "1", "Chuong 1. QUY DINH CHUNG", ""},
				{Article, "c1.d2", "2", "Dieu 2. Doi tuong ap dung", ""},
				{Clause, "c1.d2.k1", "1", "1.", "Ho gia dinh trong thon."},
				{Clause, "c1.d2.k2", "2", "khoan 2:", "Ca nhan tam tru."},
			},
		},
		{
			"CRLF, CR and tabs",
			"Điều 1. Mục đích\r\n\tGiữ gìn\tthuần phong mỹ tục. \r\n\r\n\r\nPhát huy tình làng nghĩa xóm.\rĐiều 2. Yêu cầu\r\n",
			[]sec{
				{Article, "d1", "1", "Điều 1. Mục đích", "Giữ gìn thuần phong mỹ tục.\n\nPhát huy tình làng nghĩa xóm."},
				{Article, "d2", "2", "Điều 2. Yêu cầu", ""},
			},
		},
		{
			"invalid roman numerals are not chapters",
			"Chương IIII\nChương L\nChương ii",
			[]sec{{Preamble, "p", "", "", "Chương IIII\nChương L\nChương ii"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.in)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("Split(%q) = %s, want nil", tt.in, dump(got))
				}
				return
			}
			gotSecs := make([]sec, len(got))
			for i, s := range got {
				gotSecs[i] = sec{s.Kind, s.Path, s.Number, s.Heading, s.Body}
			}
			if !reflect.DeepEqual(gotSecs, tt.want) {
				t.Fatalf("Split(%q) mismatch\n got: %s\nwant: %s", tt.in, dump(gotSecs), dump(tt.want))
			}
			checkInvariants(t, tt.in, got)
		})
	}
}

func TestSplitLongInput(t *testing.T) {
	var sb strings.Builder
	for i := 1; i <= 2000; i++ {
		sb.WriteString("Điều 1. Trùng số\n1. Khoản một.\n2024. Năm\n")
	}
	sb.WriteString(strings.Repeat("Điều ", 50000))
	got := Split(sb.String())
	// The run of "Điều " words has no number, so it is body text of the last clause.
	if n := len(got); n != 4000 {
		t.Fatalf("got %d sections, want 4000", n)
	}
	if p := got[3998].Path; p != "d1-2000" {
		t.Fatalf("last duplicate path = %q, want d1-2000", p)
	}
}

func dump[T any](v []T) string {
	var sb strings.Builder
	for _, s := range v {
		sb.WriteString("\n\t")
		fmt.Fprintf(&sb, "%q", fmt.Sprintf("%+v", s))
	}
	return sb.String()
}
