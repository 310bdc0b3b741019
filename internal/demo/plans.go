package demo

import (
	"context"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// consultMatter loads a consult matter of the commune (Law 10/2022 art. 25(1)): opened three
// days ago, its plan sent to the commune People's Council on the day it was published but not
// yet to the Front (art. 28(1)), so the staff page shows a plan flagged; and opinions that came
// through the Front (art. 26) and at a dialogue with the households affected (art. 27).
func consultMatter(ctx context.Context, a *app.App, official, moderator *domain.Actor) error {
	now := a.Now()
	opens, closes := domain.PeriodFromDates(now.AddDate(0, 0, -3), now.AddDate(0, 0, 25))
	c, err := a.CreateConsultation(ctx, official, app.NewConsultation{
		Title: "Dự thảo Kế hoạch phát triển kinh tế - xã hội năm 2027 của xã", Kind: string(domain.KindPlan),
		UnitCode: "VD-HB", Topic: int(domain.TopicDevelopmentPlan),
		Summary: "Xã lấy ý kiến Nhân dân về các chỉ tiêu và công trình dự kiến năm 2027: đường liên thôn, " +
			"kênh mương nội đồng, chuyển đổi cây trồng.",
		Text: Plan2027, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		return err
	}
	if c, err = a.PublishBackdated(ctx, official, c.ID, opens); err != nil {
		return err
	}
	sent := opens.In(domain.Zone).Format(time.DateOnly)
	if _, err := a.RecordPlan(ctx, official, c.ID, app.PlanInput{CouncilSentOn: &sent}); err != nil {
		return err
	}
	for _, o := range []app.NewOpinion{
		{Channel: string(domain.ChannelFront), Reference: "Tổng hợp của Hội Nông dân xã", VillageCode: "VD-HB-TAY", Stance: "agree",
			Body: "Hội viên đồng tình chuyển đổi ruộng trũng sang nuôi trồng thủy sản, đề nghị xã hỗ trợ giống."},
		{Channel: string(domain.ChannelDialogue), Reference: "BB-ĐT-01", VillageCode: "VD-HB-NAM", Stance: "disagree",
			Body: "Các hộ có đất nằm trong tuyến đường đề nghị công khai phương án bồi thường trước khi thi công."},
	} {
		r, err := a.EnterOfflineOpinion(ctx, official, c.ID, o, "")
		if err != nil {
			return err
		}
		if _, err := a.Moderate(ctx, moderator, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
			return err
		}
	}
	return nil
}

// Plan2027 is the demo commune's draft plan for the coming year.
const Plan2027 = `Điều 1. Mục tiêu
Phát triển kinh tế nông nghiệp gắn với xây dựng nông thôn mới; thu nhập bình quân đầu người tăng ít nhất 8%.
Điều 2. Công trình dự kiến
1. Nâng cấp đường liên thôn Tây – Nam, dài 2,4 km.
2. Kiên cố hóa 3 km kênh mương nội đồng.
Điều 3. Chuyển đổi cây trồng, vật nuôi
Chuyển 15 ha ruộng trũng sang nuôi trồng thủy sản kết hợp trồng lúa.`
