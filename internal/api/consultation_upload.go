package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
)

// isMultipart tells a form upload from a JSON body.
func isMultipart(c echo.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	return mt == echo.MIMEMultipartForm
}

// sameSiteOrToken refuses a multipart call that a page of another site could have sent: a
// cross-site HTML form can send multipart/form-data, which the JSON rule keeps out of every
// other call, so on a session cookie the browser must vouch that the request comes from the
// portal's own pages. Other clients use a bearer token.
func sameSiteOrToken(c echo.Context) error {
	r := c.Request()
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") && r.Header.Get("Sec-Fetch-Site") != "same-origin" {
		return domain.Errorf(domain.CodeForbidden, "error.csrf")
	}
	return nil
}

// decodeDocumentForm reads POST /consultations sent as multipart/form-data: the fields of the
// JSON body as form fields (sections excepted) and the draft as a Word file in "document".
func decodeDocumentForm(c echo.Context, in *newConsultationJSON) error {
	if err := sameSiteOrToken(c); err != nil {
		return err
	}
	form, err := c.MultipartForm()
	if err != nil {
		return uploadError(err)
	}
	get := func(k string) string {
		if vs := form.Value[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	in.Title, in.Kind, in.Matter = get("title"), get("kind"), get("matter")
	in.Moderation, in.UnitCode, in.Summary, in.Text = get("moderation"), get("unit_code"), get("summary"), get("text")
	in.OpensAt, in.ClosesAt = get("opens_at"), get("closes_at")
	if v := strings.TrimSpace(get("item")); v != "" {
		item, err := strconv.Atoi(v)
		if err != nil {
			return domain.InvalidField("item", "validation.type")
		}
		in.Item = item
	}
	if v := strings.TrimSpace(get("topic")); v != "" {
		topic, err := strconv.Atoi(v)
		if err != nil {
			return domain.InvalidField("topic", "validation.type")
		}
		in.Topic = topic
	}
	files := form.File["document"]
	if len(files) == 0 {
		return nil
	}
	f, err := files[0].Open()
	if err != nil {
		return domain.Errorf(domain.CodeMalformed, "error.malformed")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, app.MaxDocument+1))
	if err != nil {
		return domain.Errorf(domain.CodeMalformed, "error.malformed")
	}
	in.Document = &app.Upload{Name: files[0].Filename, Data: data}
	return nil
}

// uploadError answers a form that could not be read: too large (past the route's body
// limit), or not a form at all.
func uploadError(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		return domain.Errorf(domain.CodeTooLarge, "error.too_large")
	}
	return domain.Errorf(domain.CodeMalformed, "error.malformed")
}
