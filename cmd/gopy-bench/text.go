package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The draft and the opinions the benchmark sends: a village charter of 40 articles in five
// chapters, and opinions composed of sentences residents write, so the bodies have the
// length, the diacritics and the variety of real ones.

var chapters = []struct {
	heading  string
	articles []string
}{
	{"QUY ĐỊNH CHUNG", []string{"Phạm vi điều chỉnh", "Đối tượng áp dụng", "Giải thích từ ngữ",
		"Nguyên tắc xây dựng và thực hiện", "Trách nhiệm của Ban công tác Mặt trận"}},
	{"GIỮ GÌN AN NINH TRẬT TỰ", []string{"Tuần tra ban đêm", "Quản lý người tạm trú", "Phòng chống cháy nổ",
		"Phòng chống ma túy", "Hòa giải mâu thuẫn", "Giờ giấc sinh hoạt", "Sử dụng loa đài, karaoke",
		"Đốt pháo và vật liệu nổ"}},
	{"MÔI TRƯỜNG VÀ HẠ TẦNG", []string{"Thu gom rác thải sinh hoạt", "Phân loại rác tại nguồn",
		"Chăn nuôi gia súc, gia cầm", "Bảo vệ nguồn nước", "Kênh mương nội đồng", "Đường làng, ngõ xóm",
		"Chiếu sáng công cộng", "Cây xanh và nghĩa trang", "Nhà văn hóa thôn"}},
	{"NẾP SỐNG VĂN HÓA", []string{"Việc cưới", "Việc tang", "Mừng thọ", "Lễ hội truyền thống",
		"Khuyến học, khuyến tài", "Gia đình văn hóa", "Bình đẳng giới", "Chăm sóc người cao tuổi",
		"Bảo vệ trẻ em"}},
	{"TỔ CHỨC THỰC HIỆN", []string{"Đóng góp xây dựng thôn", "Quản lý quỹ thôn", "Công khai thu chi",
		"Khen thưởng", "Xử lý vi phạm", "Sửa đổi, bổ sung", "Hiệu lực thi hành", "Trách nhiệm thi hành",
		"Giám sát thực hiện"}},
}

var romans = []string{"I", "II", "III", "IV", "V", "VI"}

// draftText is the charter as an official pastes it: chapters, 40 articles, two clauses each.
func draftText() string {
	var b strings.Builder
	n := 0
	for i, ch := range chapters {
		fmt.Fprintf(&b, "Chương %s\n%s\n", romans[i], ch.heading)
		for _, title := range ch.articles {
			n++
			lower := strings.ToLower(title)
			fmt.Fprintf(&b, "Điều %d. %s\n", n, title)
			fmt.Fprintf(&b, "1. Mỗi hộ gia đình, cá nhân sinh sống trên địa bàn thôn có trách nhiệm thực hiện đúng quy định về %s.\n", lower)
			fmt.Fprintf(&b, "2. Ban tự quản thôn theo dõi, nhắc nhở, tổng hợp và báo cáo hằng quý với Ủy ban nhân dân xã về %s.\n", lower)
		}
	}
	return b.String()
}

// articleCount is the number of articles draftText writes.
func articleCount() int {
	n := 0
	for _, ch := range chapters {
		n += len(ch.articles)
	}
	return n
}

var (
	openings = []string{
		"Tôi đồng ý với dự thảo.", "Gia đình tôi thống nhất với nội dung điều này.", "Tôi không đồng ý.",
		"Đề nghị Ban soạn thảo xem xét lại.", "Ý kiến của tôi như sau:", "Nhất trí cao với dự thảo.",
		"Cần bổ sung thêm một số nội dung.", "Quy định này chưa sát với thực tế của thôn.",
	}
	remarks = []string{
		"Đường làng xuống cấp nhiều chỗ, đề nghị bê tông hóa trước mùa mưa bão.",
		"Ngõ xóm ngập nước mỗi khi mưa to, cần khơi thông cống rãnh.",
		"Nên lắp thêm đèn chiếu sáng ở các ngõ tối gần trường học.",
		"Thu gom rác hai lần mỗi tuần là hợp lý, nhưng phải đúng giờ.",
		"Rác để lâu ở điểm tập kết gây mùi hôi, ảnh hưởng các hộ xung quanh.",
		"Mức phí thu gom rác nên giảm cho hộ nghèo và hộ cận nghèo.",
		"Đám cưới nên tổ chức gọn trong một ngày, không mở loa quá to sau mười giờ tối.",
		"Việc tang cần tổ chức văn minh, hạn chế rải vàng mã trên đường.",
		"Mừng thọ nên tổ chức chung tại nhà văn hóa thôn để tiết kiệm.",
		"Quỹ khuyến học cần khen thưởng cả học sinh nghèo vượt khó.",
		"Karaoke phải tắt trước mười giờ tối để người già và trẻ nhỏ được nghỉ ngơi.",
		"Tổ tuần tra ban đêm cần có thêm thanh niên tham gia.",
		"Không thả rông trâu bò trên đường làng và bờ kênh.",
		"Chuồng trại chăn nuôi phải cách xa nhà ở và giếng nước.",
		"Nước sạch chưa về đến xóm bãi, đề nghị xã quan tâm.",
		"Mức đóng góp xây dựng nhà văn hóa cần công khai, chia theo khả năng từng hộ.",
		"Thu chi quỹ thôn phải niêm yết công khai mỗi quý tại nhà văn hóa.",
		"Hòa giải ở cơ sở nên mời người có uy tín trong dòng họ tham gia.",
		"Xử lý vi phạm phải công bằng, không nể nang người quen.",
		"Sân chơi cho trẻ em cần được bố trí cạnh nhà văn hóa.",
		"Họp thôn nên thông báo sớm qua loa truyền thanh và nhóm Zalo của thôn.",
		"Người cao tuổi neo đơn cần được thăm hỏi vào dịp lễ, Tết.",
	}
	closings = []string{"Xin cảm ơn.", "Mong Ban soạn thảo tiếp thu.", "Trân trọng."}
	names    = []string{"Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
		"Vũ Thị Hạnh", "Đặng Văn Hùng", "Bùi Thị Lan"}
)

// opinionText composes one opinion; about one in ten carries a phone number, which the
// portal masks in the public text and flags for the moderator.
func opinionText(r *rand.Rand) string {
	var parts []string
	if r.IntN(2) == 0 {
		parts = append(parts, openings[r.IntN(len(openings))])
	}
	for range 1 + r.IntN(3) {
		parts = append(parts, remarks[r.IntN(len(remarks))])
	}
	if r.IntN(10) == 0 {
		parts = append(parts, fmt.Sprintf("Liên hệ: 09%08d.", r.IntN(100_000_000)))
	}
	if r.IntN(10) < 3 {
		parts = append(parts, closings[r.IntN(len(closings))])
	}
	return strings.Join(parts, " ")
}
