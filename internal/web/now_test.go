package web_test

import (
	"time"

	"github.com/gopy-vn/gopy/internal/app"
)

func testNow() time.Time { return time.Now() }

func approve() app.Decision { return app.Decision{Decision: "approve"} }

func approveLater() app.NewOpinion {
	return app.NewOpinion{Stance: "other", Body: "Xin liên hệ lại với tôi.", Contact: "0911 222 333", Consent: true}
}
