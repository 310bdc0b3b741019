package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// ratingRequest is the JSON twin of the satisfaction form (Law 10/2022 art. 35): a score from
// 1 to 5, an optional comment and, for a commenter, the tracking code of their opinion.
type ratingRequest struct {
	Score        int    `json:"score"`
	Comment      string `json:"comment"`
	TrackingCode string `json:"tracking_code"`
}

// ratingJSON is what became of a rating. Replaced is true when a rating given before with the
// same tracking code was replaced by this one.
type ratingJSON struct {
	ConsultationID int64     `json:"consultation_id"`
	Score          int       `json:"score"`
	Comment        string    `json:"comment"`
	WithCode       bool      `json:"with_code"`
	Replaced       bool      `json:"replaced"`
	RatedAt        time.Time `json:"rated_at"`
}

// rate takes a satisfaction rating once the results are published, under the same rules and
// the same per-address limit as the consultation page's form.
func (a *API) rate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// A consultation that takes no rating says so before the body is looked at, as the form does.
	if err := a.App.RatingOpen(ctx, id); err != nil {
		return err
	}
	var in ratingRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := a.App.Rate(ctx, id, app.NewRating{Rating: in.Score, Comment: in.Comment, Code: in.TrackingCode})
	if err != nil {
		return scoreField(err)
	}
	return c.JSON(http.StatusCreated, ratingJSON{ConsultationID: id, Score: r.Rating.Rating, Comment: r.Rating.Comment,
		WithCode: r.Rating.OpinionID != nil, Replaced: r.Replaced, RatedAt: r.Rating.UpdatedAt.In(domain.Zone)})
}

// scoreField names the score as the API's body does: the app calls it "rating".
func scoreField(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Fields == nil {
		return err
	}
	if m, ok := de.Fields["rating"]; ok {
		fields := make(map[string]domain.Message, len(de.Fields))
		for k, v := range de.Fields {
			fields[k] = v
		}
		delete(fields, "rating")
		fields["score"] = m
		cp := *de
		cp.Fields = fields
		return &cp
	}
	return err
}
