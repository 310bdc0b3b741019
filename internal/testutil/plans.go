package testutil

import (
	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// TopicFor is the item of Law 10/2022 art. 25 a test consultation of a kind and matter ("" for
// the kind's usual one) names: a consult matter of a commune must name one, so fixtures say
// art. 25(1); a decide matter names none.
func TopicFor(kind, matter string) int {
	m := domain.Matter(matter)
	if m == "" {
		m = app.DefaultMatter(domain.ConsultationKind(kind))
	}
	if m != domain.MatterConsult {
		return 0
	}
	return int(domain.TopicDevelopmentPlan)
}
