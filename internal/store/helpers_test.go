package store_test

import "github.com/gopy-vn/gopy/internal/app"

func appOpinion() app.NewOpinion {
	return app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với dự thảo."}
}
