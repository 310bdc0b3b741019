package web

import (
	"bytes"
	"context"
	"html/template"
	"time"

	"github.com/gopy-vn/gopy/internal/cache"
	"github.com/gopy-vn/gopy/internal/domain"
)

// The text of a draft is most of its page, and the same for every view of a version in a
// language: rendering its articles took two thirds of the page's time. It is rendered once
// per version and language (the partial "draft-block", one piece per chapter and article)
// and the page puts the pieces between what changes from view to view: counts, buttons and
// opinions.

type draftKey struct {
	consultation int64
	version      int
	lang         string
}

// draftHTML is the rendered text of each block of a draft, by the ID of its first section.
type draftHTML map[int64]template.HTML

func newDraftCache(versions *cache.Versions) *cache.Cache[draftKey, draftHTML] {
	// A version's text never changes; its consultation's topic covers a new version too.
	return cache.New[draftKey, draftHTML](versions, cache.Options{Fresh: time.Hour, Max: 256})
}

// draftOf returns the rendered blocks of the current version of c in lang.
func (s *Server) draftOf(ctx context.Context, c *domain.Consultation, blocks []sectionBlock, lang string) (draftHTML, error) {
	key := draftKey{c.ID, c.Version, lang}
	return s.drafts.Get(ctx, key, cache.TopicConsultation(c.ID), func(context.Context) (draftHTML, error) {
		t := s.views.pages["consultation"]
		out := make(draftHTML, len(blocks))
		var buf bytes.Buffer
		for _, b := range blocks {
			buf.Reset()
			if err := t.ExecuteTemplate(&buf, "draft-block", map[string]any{"L": lang, "B": b}); err != nil {
				return nil, err
			}
			out[b.Section.ID] = template.HTML(buf.String()) // rendered by html/template: escaped
		}
		return out, nil
	})
}
