// Package api serves the JSON API v1 of API.md. Handlers decode, call the app, and encode;
// every rule lives in package app and every error leaves through one error handler.
package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

// API holds the handlers' dependencies.
type API struct {
	App *app.App
	// Login checks credentials under the login throttles and starts a staff session
	// (shared with the HTML login form); otp is the one-time code an account with a
	// second factor needs as well, ignored for the others.
	Login func(c echo.Context, email, password, otp string) (*domain.Actor, error)
	// LimitOpinions caps opinion submissions per address and consultation.
	LimitOpinions echo.MiddlewareFunc
	// LimitCodeGuesses caps the wrong tracking codes an address may send.
	LimitCodeGuesses echo.MiddlewareFunc
	// LimitHouseholdCodes caps the wrong household codes an address may send, with the
	// allowance of voting codes.
	LimitHouseholdCodes echo.MiddlewareFunc
	// LimitRatings caps satisfaction ratings per address and consultation (shared with the
	// consultation page's form).
	LimitRatings echo.MiddlewareFunc
	// LimitQuestions and LimitSupports cap the questions sent to a dialogue and the supports
	// given, per address (shared with the dialogue's pages).
	LimitQuestions, LimitSupports echo.MiddlewareFunc
	// ChangePassword changes the signed-in account's password and keeps the session that asked
	// (shared with the HTML form).
	ChangePassword func(c echo.Context, in app.NewPassword) error
	// BaseURL is the portal's public address, for the links in files.
	BaseURL string
}

// Register mounts the API under g (normally /api/v1). requireStaff guards staff endpoints.
func (a *API) Register(g *echo.Group, requireStaff echo.MiddlewareFunc) {
	g.GET("/units", a.listUnits)
	g.GET("/consultations", a.listConsultations)
	g.GET("/consultations/:id", a.getConsultation)
	g.POST("/consultations/:id/opinions", a.submitOpinion, a.LimitOpinions)
	g.GET("/consultations/:id/opinions", a.listOpinions)
	g.GET("/consultations/:id/summary", a.summary)
	g.GET("/consultations/:id/report", a.report)
	g.GET("/opinions/:code", a.trackOpinion, a.LimitCodeGuesses)
	g.DELETE("/opinions/:code", a.withdrawOpinion, a.LimitCodeGuesses)
	g.POST("/opinions/:code/erase", a.eraseMyData, a.LimitCodeGuesses)
	g.POST("/opinions/:code/appeal", a.appeal, a.LimitCodeGuesses)
	g.GET("/consultations/:id/moderation-stats", a.moderationStats)
	g.POST("/consultations/:id/ratings", a.rate, a.LimitRatings)
	g.GET("/consultations/:id/versions", a.listVersions)
	g.GET("/consultations/:id/changes", a.listChanges)
	g.GET("/consultations/:id/recognition", a.getCharter)
	g.GET("/initiatives", a.listInitiatives)
	g.GET("/initiatives/:id", a.getInitiative)
	g.POST("/initiatives", a.proposeInitiative, a.LimitHouseholdCodes)
	g.POST("/initiatives/:id/supports", a.supportInitiative, a.LimitHouseholdCodes)
	g.GET("/units/:code/annual/:year", a.annualReport)
	g.GET("/consultations/:id/council-report", a.getCouncilReport)
	g.POST("/session", a.createSession)
	g.GET("/openapi.json", serveOpenAPI)
	g.GET("/disclosures", a.listDisclosures)
	g.GET("/disclosures/quarterly", a.quarterlyDisclosures)
	g.GET("/disclosures/quarterly.csv", a.quarterlyDisclosuresCSV)

	// Guarded route by route: a guarded group would also catch unknown paths and answer
	// "log in" where "not found" is the truth.
	g.POST("/account/password", a.changePassword, requireStaff)
	g.POST("/consultations", a.createConsultation, requireStaff)
	g.PATCH("/consultations/:id", a.updateDraft, requireStaff)
	g.DELETE("/consultations/:id", a.deleteDraft, requireStaff)
	g.POST("/consultations/:id/publish", a.publish, requireStaff)
	g.POST("/consultations/:id/close", a.close, requireStaff)
	g.POST("/consultations/:id/withdraw", a.withdraw, requireStaff)
	g.POST("/consultations/:id/versions", a.publishVersion, requireStaff)
	g.POST("/consultations/:id/recognition", a.recordCharterStep, requireStaff)
	g.GET("/consultations/:id/plan", a.getPlan, requireStaff)
	g.POST("/consultations/:id/plan", a.recordPlan, requireStaff)
	g.POST("/consultations/:id/council-report", a.recordCouncilReport, requireStaff)
	g.POST("/consultations/:id/opinions/offline", a.enterOffline, requireStaff)
	g.POST("/opinions/:id/attachments", a.attach, requireStaff)
	g.GET("/moderation/queue", a.queue, requireStaff)
	g.POST("/opinions/:id/moderation", a.moderate, requireStaff)
	g.POST("/opinions/:id/response", a.respond, requireStaff)
	g.POST("/consultations/:id/decisions", a.decide, requireStaff)
	g.POST("/consultations/:id/results", a.publishResults, requireStaff)
	g.GET("/consultations/:id/village-decisions", a.villageDecisions, requireStaff)
	g.POST("/consultations/:id/village-decisions", a.recordVillageDecision, requireStaff)
	g.GET("/consultations/:id/report.csv", a.reportCSV, requireStaff)
	g.GET("/consultations/:id/report.xlsx", a.reportXLSX, requireStaff)
	g.GET("/oversight", a.oversight, requireStaff)
	g.POST("/disclosures", a.createDisclosure, requireStaff)
	g.POST("/initiatives/:id/paper-supports", a.enterPaperSupports, requireStaff)
	g.POST("/initiatives/:id/moderation", a.moderateInitiative, requireStaff)
	g.POST("/initiatives/:id/outcome", a.recordInitiativeOutcome, requireStaff)
	a.registerDialogues(g, requireStaff)
}

// decode reads a JSON body strictly enough to give integrators clear errors: the content
// type must be JSON (which also keeps cross-site HTML forms out of cookie-authenticated
// calls), the bytes valid UTF-8, the syntax valid, and each field of the right type.
func decode(c echo.Context, v any) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON {
		return domain.Errorf(domain.CodeMalformed, "error.content_type")
	}
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return domain.Errorf(domain.CodeTooLarge, "error.too_large")
		}
		return domain.Errorf(domain.CodeMalformed, "error.malformed")
	}
	if !utf8.Valid(raw) {
		return domain.Errorf(domain.CodeMalformed, "error.utf8")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return domain.InvalidField(jsonField(te.Field), "validation.type")
		}
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return domain.Errorf(domain.CodeInvalid, "validation.datetime")
		}
		return domain.Errorf(domain.CodeMalformed, "error.malformed_json")
	}
	if name := nullField(raw, reflect.TypeOf(v)); name != "" {
		return domain.InvalidField(jsonField(name), "validation.type")
	}
	return nil
}

// jsonField is the JSON name of the field a type error names. encoding/json writes the path
// through an embedded struct with the struct's Go name ("NewConsultation.item"), a name the
// client never sent: the JSON names of this API are lower case, so the Go names are left out.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	kept := parts[:0]
	for _, p := range parts {
		if p != "" && !unicode.IsUpper([]rune(p)[0]) {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return path
	}
	return strings.Join(kept, ".")
}

// pathID parses a numeric path parameter; anything else is simply not found.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.ErrNotFound
	}
	return id, nil
}

// queryPage parses ?page=, defaulting to 1.
func queryPage(c echo.Context) (int, error) {
	if !c.QueryParams().Has("page") {
		return 1, nil
	}
	p := c.QueryParam("page") // present, so a number: "page=" is refused as the document says
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 100000 {
		return 0, domain.InvalidField("page", "validation.page")
	}
	return n, nil
}

// list is the list shape of API.md.
type list[T any] struct {
	Items    []T  `json:"items"`
	NextPage *int `json:"next_page"`
}

func newList[T any](items []T, page int, more bool) list[T] {
	l := list[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if more {
		next := page + 1
		l.NextPage = &next
	}
	return l
}

func actor(c echo.Context) *domain.Actor { return httpx.Actor(c) }
