package web_test

// The authorisation matrix: every staff page, staff form and staff API endpoint, called for
// real by each kind of caller, with the answer each must get. TestEveryRouteHasAnAuthzDecision
// walks the routes the server registers and fails for any route that is neither in the
// matrix nor in the public allow-list, so a new staff route cannot ship without a decision
// on who may use it.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
	"github.com/gopy-vn/gopy/internal/web"
)

// caller is a column of the matrix.
type caller int

const (
	anonymous  caller = iota
	officialA         // official of commune A, where every object of the matrix lives
	officialB         // official of commune B: same role, other commune
	moderatorA        // moderator of commune A
	observerA         // observer of commune A
	adminP            // admin of the province above both communes
	frontA            // Fatherland Front committee of commune A
	numCallers
)

var callerNames = [numCallers]string{"anonymous", "officialA", "officialB", "moderatorA", "observerA", "admin", "frontA"}

// toLogin is the verdict "303 See Other to the login form", what an anonymous visitor gets
// from a staff page or form.
const toLogin = -303

// verdicts are the statuses each caller must get, in the order of the callers above.
type verdicts [numCallers]int

// The Front reads what observers read and changes nothing else, so its verdict is the
// observer's unless a row says otherwise with front.
func expect(anon, offA, offB, mod, obs, admin int) verdicts {
	return verdicts{anon, offA, offB, mod, obs, admin, obs}
}

// front sets the Front's verdict, for the routes where it records its own acts.
func (v verdicts) front(status int) verdicts {
	v[frontA] = status
	return v
}

// carriedOut reports whether a verdict means the request was carried out.
func carriedOut(status int) bool { return status >= 200 && status < 400 && status != toLogin }

// authzRoute is a row of the matrix.
type authzRoute struct {
	method, path string // exactly as registered
	want         verdicts
	// params fills the path parameters (":id", ":role", ":token") with fresh objects of
	// commune A made for this one request.
	params func(t *testing.T, w *authzWorld) map[string]string
	form   func(t *testing.T, w *authzWorld) url.Values // fields of a page form; the CSRF token is added
	json   func(t *testing.T, w *authzWorld) string     // body of an API call
	// changed reports whether the request's change happened: it must have exactly when the
	// request was allowed, so a refusal leaves nothing behind.
	changed func(t *testing.T, w *authzWorld) bool
	// query is added to the path after "?" (offline_test.go); upload sends the form as
	// multipart/form-data with this file in the field "attachment" (offline_test.go).
	query  func(t *testing.T, w *authzWorld) string
	upload func(t *testing.T, w *authzWorld) []byte
}

// Statuses of the matrix, short so a row fits on a line.
const (
	s200 = http.StatusOK
	s201 = http.StatusCreated
	s204 = http.StatusNoContent
	s303 = http.StatusSeeOther
	s401 = http.StatusUnauthorized
	s403 = http.StatusForbidden
	s404 = http.StatusNotFound
	s422 = http.StatusUnprocessableEntity
)

// staffPageRoutes are the pages and forms under /staff.
func staffPageRoutes() []authzRoute {
	return append(dialoguePageRoutes(), []authzRoute{
		// expect(anonymous, officialA, officialB, moderatorA, observerA, admin)
		{method: "GET", path: "/staff", want: expect(toLogin, s200, s200, s200, s200, s200)},
		{method: "GET", path: "/staff/consultations/new", want: expect(toLogin, s200, s200, s403, s403, s200)},
		{method: "POST", path: "/staff/consultations", want: expect(toLogin, s303, s403, s403, s403, s303),
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"title": {w.title()}, "kind": {"huong_uoc"}, "unit_code": {"A"},
					"first_day": {today(0)}, "last_day": {today(34)}, "text": {testutil.Draft}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "consultations", "title = '"+w.title()+"'") > 0
			}},
		// A draft: the official of another commune is not told it exists.
		{method: "GET", path: "/staff/consultations/:id", want: expect(toLogin, s200, s404, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) }},
		// An unpublished draft is edited and deleted by its officials only; the official of
		// another commune is not told it exists.
		{method: "GET", path: "/staff/consultations/:id/edit", want: expect(toLogin, s200, s404, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/edit", want: expect(toLogin, s303, s404, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) },
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"title": {"Sửa " + w.title()}, "kind": {"huong_uoc"}, "unit_code": {"A"},
					"first_day": {today(0)}, "last_day": {today(34)}, "text": {testutil.Draft}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "consultations", "title = 'Sửa "+w.title()+"'") > 0
			}},
		{method: "POST", path: "/staff/consultations/:id/delete", want: expect(toLogin, s303, s404, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) },
			form:   func(*testing.T, *authzWorld) url.Values { return url.Values{"confirm": {"yes"}} },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "consultations", fmt.Sprintf("id = %d", w.draft(t).ID)) == 0
			}},
		// Publishing, closing and withdrawing: a confirmation page each (status_pages.go),
		// then the confirmed form. Closing needs a consultation whose legal minimum has run.
		{method: "GET", path: "/staff/consultations/:id/publish", want: expect(toLogin, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/publish", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"confirm": {"yes"}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.status(t, w.draft(t).ID) != domain.StatusDraft }},
		{method: "GET", path: "/staff/consultations/:id/close", want: expect(toLogin, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.ripe(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/close", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.ripe(t).ID) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"confirm": {"yes"}, "reason": {"Đã đủ ý kiến."}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.status(t, w.ripe(t).ID) != domain.StatusOpen }},
		{method: "GET", path: "/staff/consultations/:id/withdraw", want: expect(toLogin, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/withdraw", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"confirm": {"yes"}, "reason": {"Soạn lại."}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.status(t, w.open(t).ID) != domain.StatusOpen }},
		// The next version of a draft: written by the consultation's officials (version_pages.go).
		{method: "GET", path: "/staff/consultations/:id/versions/new", want: expect(toLogin, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/versions", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"text": {revisedDraft()}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.version(t, w.open(t).ID) == 2 }},
		// A charter's recognition: read by whoever oversees the unit, recorded by its officials
		// (the commune's, for the steps after the dossier: charter_test.go).
		{method: "GET", path: "/staff/consultations/:id/recognition", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.adopted(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/recognition", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.adopted(t).ID) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"step": {"submit"}, "adopted_on": {today(0)}, "minutes_date": {today(0)}, "has_text": {"1"}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.charterRecorded(t) }},
		// The documents of the charter's dossier, printed for whoever oversees the unit.
		{method: "GET", path: "/staff/consultations/:id/recognition/form/:form", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string {
				return map[string]string{"id": fmt.Sprint(w.adopted(t).ID), "form": "01"}
			}},
		// Papers gathered offline: entered by the consultation's officials; the photo or scan
		// of a paper is read by whoever oversees the unit, never by anyone else.
		{method: "GET", path: "/staff/consultations/:id/offline", want: expect(toLogin, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/offline", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) },
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"channel": {"box"}, "stance": {"agree"}, "body": {fmt.Sprintf("Ý kiến bỏ hòm thư số %d", w.n)}, "key": {fmt.Sprint("k", w.n)}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "opinions", fmt.Sprintf("consultation_id = %d AND channel = 'box'", w.open(t).ID)) > 0
			}},
		{method: "GET", path: "/staff/attachments/:id", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.attachment(t)) }},
		// Answers (tiếp thu, giải trình) and results: readable by whoever oversees the unit,
		// written by its officials.
		{method: "GET", path: "/staff/consultations/:id/answers", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/answers", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) },
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"ids": {fmt.Sprint(w.approved(t))}, "kind": {"noted"}, "text": {"Xin ghi nhận ý kiến."}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.answered(t) }},
		{method: "GET", path: "/staff/consultations/:id/decisions", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "POST", path: "/staff/consultations/:id/decisions", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) },
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"section_id": {fmt.Sprint(w.article(t))}, "decision": {"kept"}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "article_decisions", fmt.Sprintf("consultation_id = %d", w.closed(t).ID)) > 0
			}},
		// The households' decision on a decide matter: read by whoever oversees the unit,
		// recorded by its officials (household_test.go follows each step).
		{method: "GET", path: "/staff/consultations/:id/villages", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhClosed) }},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/decision", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhClosed) },
			form:    func(*testing.T, *authzWorld) url.Values { return hhMeetingForm() },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).rows(t, "village_decisions", hhClosed) > 0 }},
		{method: "GET", path: "/staff/consultations/:id/villages/:village/record", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhDecided) }},
		{method: "GET", path: "/staff/consultations/:id/villages/:village/record.docx", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhDecided) }},
		// What follows a village's decision (Law 10/2022 art. 20-21): the official records
		// when it was sent; the Front records its receipt and its signature of the record;
		// the commune Front recognises an item-5 decision (the People's Committee, item 4:
		// household_test.go). No one else acts in the Front's name, an admin included.
		{method: "POST", path: "/staff/consultations/:id/villages/:village/sent", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhDecided) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"sent_on": {today(0)}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).act(t, hhDecided, "sent_on") != "" }},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/receipt", want: expect(toLogin, s403, s403, s403, s403, s403).front(s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhDecided) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"received_on": {today(0)}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).act(t, hhDecided, "front_received_on") != "" }},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/sign", want: expect(toLogin, s403, s403, s403, s403, s403).front(s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhDecided) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).act(t, hhDecided, "front_signed_at") != "" }},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/recognition", want: expect(toLogin, s403, s403, s403, s403, s403).front(s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhElection) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"decision": {"recognise"}, "number": {"12/QĐ-MTTQ"}, "date": {today(0)}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.hh(t).act(t, hhElection, "recognition") == "recognised"
			}},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/ballot/agree", want: expect(toLogin, s403, s403, s403, s403, s403).front(s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhPending) },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "village_ballots", fmt.Sprintf("consultation_id = %d AND front_agreed_at IS NOT NULL", w.hh(t).get(t, hhPending).ID)) > 0
			}},
		{method: "POST", path: "/staff/consultations/:id/outcome", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhReady) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).status(t, hhReady) == domain.StatusAdopted }},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/ballot", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhOnline) },
			form:    func(*testing.T, *authzWorld) url.Values { return hhBallotForm() },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).rows(t, "village_ballots", hhOnline) > 0 }},
		{method: "POST", path: "/staff/consultations/:id/villages/:village/ballot/codes", want: expect(toLogin, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhBallot) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).codes(t) > 0 }},
		{method: "GET", path: "/staff/consultations/:id/villages/:village/ballot/minutes", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhBallot) }},
		{method: "POST", path: "/staff/consultations/:id/results", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.emptyClosed(t).ID) },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.status(t, w.emptyClosed(t).ID) == domain.StatusResultsPublished
			}},
		// The consolidated report, in each format: read by whoever oversees the unit.
		{method: "GET", path: "/staff/consultations/:id/report", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "GET", path: "/staff/consultations/:id/report.csv", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "GET", path: "/staff/consultations/:id/report.xlsx", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "GET", path: "/staff/consultations/:id/report.docx", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "GET", path: "/staff/moderation", want: expect(toLogin, s403, s403, s200, s403, s200)},
		{method: "POST", path: "/staff/opinions/:id/moderate", want: expect(toLogin, s403, s403, s303, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pending(t)) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"decision": {"approve"}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.opinionStatus(t) != domain.OpinionPending }},
		{method: "POST", path: "/staff/moderation/bulk", want: expect(toLogin, s403, s403, s303, s403, s303),
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"ids": {fmt.Sprint(w.pending(t))}, "decision": {"approve"}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.opinionStatus(t) != domain.OpinionPending }},
		{method: "GET", path: "/staff/moderation/log", want: expect(toLogin, s200, s200, s200, s200, s200)},
		// Citizens' initiatives of village A1: read by whoever oversees it; moderated by its
		// moderators; supports on paper, outcome and household codes by its officials.
		{method: "GET", path: "/staff/initiatives", want: expect(toLogin, s200, s200, s200, s200, s200)},
		{method: "POST", path: "/staff/initiatives", want: expect(toLogin, s303, s403, s403, s403, s303),
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"village": {"A1"}, "kind": {"matter"}, "title": {w.title()}, "body": {"Làm đường ngõ 3."},
					"last_day": {today(10)}, "household": {"5"}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiatives", "title = '"+w.title()+"'") > 0
			}},
		{method: "GET", path: "/staff/initiatives/codes", want: expect(toLogin, s200, s403, s403, s403, s200),
			query: func(*testing.T, *authzWorld) string { return "village=A1" }},
		{method: "POST", path: "/staff/initiatives/codes", want: expect(toLogin, s200, s403, s403, s403, s200),
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"village": {w.codesVillage(t)}, "issued": {""}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "village_household_codes", "village_id = (SELECT id FROM units WHERE code = '"+w.codesVillage(t)+"')") > 0
			}},
		{method: "GET", path: "/staff/initiatives/:id", want: expect(toLogin, s200, s404, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, false)) }},
		// The official of another commune is not told a pending proposal exists.
		{method: "POST", path: "/staff/initiatives/:id/moderate", want: expect(toLogin, s403, s404, s303, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, false)) },
			form:   func(*testing.T, *authzWorld) url.Values { return url.Values{"decision": {"approve"}} },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiatives", fmt.Sprintf("id = %d AND status = 'open'", w.initiative(t, false))) > 0
			}},
		{method: "POST", path: "/staff/initiatives/:id/supports", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, true)) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"households": {"7"}, "signed_on": {today(0)}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiative_supports", fmt.Sprintf("initiative_id = %d AND household_serial = 7", w.initiative(t, true))) > 0
			}},
		{method: "POST", path: "/staff/initiatives/:id/outcome", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, true)) },
			form:   func(*testing.T, *authzWorld) url.Values { return url.Values{"outcome": {"put"}, "on": {today(0)}} },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiatives", fmt.Sprintf("id = %d AND status = 'put'", w.initiative(t, true))) > 0
			}},
		// The plan of a consult matter and its report to the Council (Law 10/2022 art. 28):
		// read by whoever oversees the commune, recorded by its officials (plans_test.go).
		{method: "GET", path: "/staff/consultations/:id/plan", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).open(t)) }},
		{method: "POST", path: "/staff/consultations/:id/plan", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).open(t)) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"council_sent_on": {today(0)}, "front_sent_on": {""}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.pl(t).planRecorded(t, "council_sent_on") }},
		{method: "GET", path: "/staff/consultations/:id/council-report", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).results(t)) }},
		{method: "GET", path: "/staff/consultations/:id/council-report.docx", want: expect(toLogin, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).results(t)) }},
		{method: "POST", path: "/staff/consultations/:id/council-report", want: expect(toLogin, s303, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).results(t)) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"submitted_on": {today(0)}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.pl(t).planRecorded(t, "report_submitted_on") }},
		{method: "GET", path: "/staff/audit", want: expect(toLogin, s403, s403, s403, s200, s200)},
		// Oversight of the communes: every role oversees the units it is assigned (PermOversee),
		// each seeing its own communes only (oversight_test.go checks who sees what).
		{method: "GET", path: "/staff/oversight", want: expect(toLogin, s200, s200, s200, s200, s200)},
		// A commune's annual satisfaction report (Law 10/2022 art. 35), in each format: read
		// by whoever oversees the commune.
		{method: "GET", path: "/staff/satisfaction", want: expect(toLogin, s200, s403, s200, s200, s200), query: annualQuery},
		// A commune's charter statistics (Decree 61/2023 art. 16(1)) and a village head's
		// report (art. 19(1)(e)): read by whoever oversees the unit.
		{method: "GET", path: "/staff/charters", want: expect(toLogin, s200, s403, s200, s200, s200), query: annualQuery},
		{method: "GET", path: "/staff/satisfaction.csv", want: expect(toLogin, s200, s403, s200, s200, s200), query: annualQuery},
		{method: "GET", path: "/staff/satisfaction.xlsx", want: expect(toLogin, s200, s403, s200, s200, s200), query: annualQuery},
		// The register of disclosures (Law 10/2022 art. 11–13): officials enter, correct and
		// take down the entries of the units they manage (disclosure_test.go).
		{method: "GET", path: "/staff/disclosures", want: expect(toLogin, s200, s200, s403, s403, s200)},
		{method: "GET", path: "/staff/disclosures/new", want: expect(toLogin, s200, s200, s403, s403, s200)},
		{method: "POST", path: "/staff/disclosures", want: expect(toLogin, s303, s403, s403, s403, s303),
			form: func(t *testing.T, w *authzWorld) url.Values { return w.disclosureForm() },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "disclosures", "title = '"+w.title()+"'") > 0
			}},
		{method: "GET", path: "/staff/disclosures/:id/edit", want: expect(toLogin, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.disclosure(t)) }},
		{method: "POST", path: "/staff/disclosures/:id/edit", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.disclosure(t)) },
			form:   func(t *testing.T, w *authzWorld) url.Values { return w.disclosureForm() },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "disclosures", "title = '"+w.title()+"'") > 0
			}},
		{method: "POST", path: "/staff/disclosures/:id/files", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.disclosure(t)) },
			upload: func(*testing.T, *authzWorld) []byte { return samplePDF },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "disclosure_files f JOIN disclosures d ON d.id = f.disclosure_id", "d.title = 'Sổ "+w.title()+"'") > 0
			}},
		{method: "POST", path: "/staff/disclosures/:id/take-down", want: expect(toLogin, s303, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.disclosure(t)) },
			form:   func(*testing.T, *authzWorld) url.Values { return url.Values{"reason": {"Nhập nhầm."}} },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "disclosures", "taken_down_at IS NOT NULL AND title = 'Sổ "+w.title()+"'") > 0
			}},
		// The way in to the annual reports of grassroots democracy: a list of links to the
		// public reports of the units one oversees.
		{method: "GET", path: "/staff/annual", want: expect(toLogin, s200, s200, s200, s200, s200)},

		// One's own second factor: every signed-in account. The forms send a code of the
		// wrong length, refused on the page (422) whoever asks, so nothing changes here;
		// totp_test.go follows the codes that work.
		{method: "GET", path: "/staff/account/totp", want: expect(toLogin, s200, s200, s200, s200, s200)},
		// One's own password: every account may change it; a wrong current password keeps the
		// matrix's accounts as they are.
		{method: "GET", path: "/staff/account/password", want: expect(toLogin, s200, s200, s200, s200, s200)},
		{method: "POST", path: "/staff/account/password", want: expect(toLogin, s422, s422, s422, s422, s422),
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"current": {"không phải mật khẩu"}, "new": {"một mật khẩu mới đủ dài"}}
			}},
		{method: "POST", path: "/staff/account/totp", want: expect(toLogin, s422, s422, s422, s422, s422),
			form: func(*testing.T, *authzWorld) url.Values { return url.Values{"code": {"12345"}} }},
		{method: "POST", path: "/staff/account/totp/disable", want: expect(toLogin, s422, s422, s422, s422, s422),
			form: func(*testing.T, *authzWorld) url.Values { return url.Values{"code": {"12345"}} }},

		// One's own inbox: every signed-in account has one. The notice of the row below is
		// official A's: anyone else is told it does not exist, and it stays unread.
		{method: "GET", path: "/staff/inbox", want: expect(toLogin, s200, s200, s200, s200, s200)},
		{method: "POST", path: "/staff/inbox/:id/read", want: expect(toLogin, s303, s404, s404, s404, s404),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.notice(t)) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.noticeRead(t) }},
		{method: "POST", path: "/staff/inbox/read-all", want: expect(toLogin, s303, s303, s303, s303, s303)},

		// Administration: the admin of the province only.
		{method: "GET", path: "/staff/admin/units", want: expect(toLogin, s403, s403, s403, s403, s200)},
		{method: "POST", path: "/staff/admin/units/import", want: expect(toLogin, s403, s403, s403, s403, s303),
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"csv": {"code,name,kind,parent_code,households\n" + w.unitCode() + ",Thôn Mới,village,A,10\n"}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				_, err := w.st.UnitByCode(context.Background(), w.unitCode())
				return err == nil
			}},
		{method: "GET", path: "/staff/admin/staff", want: expect(toLogin, s403, s403, s403, s403, s200)},
		{method: "POST", path: "/staff/admin/staff", want: expect(toLogin, s403, s403, s403, s403, s303),
			form: func(t *testing.T, w *authzWorld) url.Values {
				return url.Values{"name": {"Cán bộ mới"}, "email": {w.email()}, "role": {"official"}, "unit_code": {"A"}, "password": {testutil.Password}}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				_, err := w.st.StaffByEmail(context.Background(), w.email())
				return err == nil
			}},
		{method: "GET", path: "/staff/admin/staff/:id", want: expect(toLogin, s403, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.target(t)) }},
		{method: "POST", path: "/staff/admin/staff/:id/roles", want: expect(toLogin, s403, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.target(t)) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"role": {"observer"}, "unit_code": {"A2"}} },
			changed: func(t *testing.T, w *authzWorld) bool { return len(w.roles(t)) != 2 }},
		{method: "POST", path: "/staff/admin/staff/:id/roles/:role/delete", want: expect(toLogin, s403, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string {
				return map[string]string{"id": fmt.Sprint(w.target(t)), "role": fmt.Sprint(w.roleID)}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return len(w.roles(t)) != 2 }},
		{method: "POST", path: "/staff/admin/staff/:id/disabled", want: expect(toLogin, s403, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.target(t)) },
			form:    func(*testing.T, *authzWorld) url.Values { return url.Values{"disabled": {"1"}} },
			changed: func(t *testing.T, w *authzWorld) bool { return w.targetStaff(t).DisabledAt != nil }},
		{method: "POST", path: "/staff/admin/staff/:id/tokens/:token/revoke", want: expect(toLogin, s403, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string {
				return map[string]string{"id": fmt.Sprint(w.target(t)), "token": fmt.Sprint(w.tokenID)}
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				tokens, err := w.st.TokensOf(context.Background(), w.targetID)
				if err != nil || len(tokens) != 1 {
					t.Fatalf("tokens of the target: %v, %d", err, len(tokens))
				}
				return tokens[0].RevokedAt != nil
			}},
		{method: "POST", path: "/staff/admin/staff/:id/totp/reset", want: expect(toLogin, s403, s403, s403, s403, s303),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.target(t)) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.targetStaff(t).TOTPEnabled == nil }},
		{method: "POST", path: "/staff/admin/staff/:id/password", want: expect(toLogin, s403, s403, s403, s403, s303),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.target(t)) },
			form: func(*testing.T, *authzWorld) url.Values {
				return url.Values{"new": {"mật khẩu do quản trị đặt"}}
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.targetStaff(t).SessionEpoch > 0 }},
	}...)
}

// staffAPIRoutes are the API endpoints that need a staff member. Anonymous callers get 401.
func staffAPIRoutes() []authzRoute {
	return append(dialogueAPIRoutes(), []authzRoute{
		// expect(anonymous, officialA, officialB, moderatorA, observerA, admin)
		{method: "POST", path: "/api/v1/account/password", want: expect(s401, s422, s422, s422, s422, s422),
			json: func(*testing.T, *authzWorld) string {
				return `{"current":"không phải mật khẩu","new":"một mật khẩu mới đủ dài"}`
			}},
		{method: "POST", path: "/api/v1/disclosures", want: expect(s401, s201, s403, s403, s403, s201),
			json: func(t *testing.T, w *authzWorld) string {
				return fmt.Sprintf(`{"unit":"A","category":2,"title":%q,"posted_from":"2026-11-06","posted_until":"2026-12-06",`+
					`"document":{"number":"1/QĐ-UBND","date":"2026-11-05","issuer":"UBND xã"},"forms":["portal"]}`, w.title())
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "disclosures", "title = '"+w.title()+"'") > 0
			}},
		{method: "POST", path: "/api/v1/consultations", want: expect(s401, s201, s403, s403, s403, s201),
			json: func(t *testing.T, w *authzWorld) string {
				return fmt.Sprintf(`{"title":%q,"kind":"huong_uoc","unit_code":"A","text":%q,"opens_at":%q,"closes_at":%q}`,
					w.title(), testutil.Draft, today(0), today(34))
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "consultations", "title = '"+w.title()+"'") > 0
			}},
		// An unpublished draft, edited and deleted by its officials only; the official of
		// another commune is not told it exists.
		{method: "PATCH", path: "/api/v1/consultations/:id", want: expect(s401, s200, s404, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) },
			json: func(t *testing.T, w *authzWorld) string {
				return fmt.Sprintf(`{"title":%q}`, "Sửa qua API "+w.title())
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "consultations", "title = 'Sửa qua API "+w.title()+"'") > 0
			}},
		{method: "DELETE", path: "/api/v1/consultations/:id", want: expect(s401, s204, s404, s403, s403, s204),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "consultations", fmt.Sprintf("id = %d", w.draft(t).ID)) == 0
			}},
		{method: "POST", path: "/api/v1/consultations/:id/publish", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.draft(t).ID) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.status(t, w.draft(t).ID) != domain.StatusDraft }},
		{method: "POST", path: "/api/v1/consultations/:id/close", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.ripe(t).ID) },
			json:    func(*testing.T, *authzWorld) string { return `{"reason":"Đã đủ ý kiến."}` },
			changed: func(t *testing.T, w *authzWorld) bool { return w.status(t, w.ripe(t).ID) != domain.StatusOpen }},
		{method: "POST", path: "/api/v1/consultations/:id/withdraw", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) },
			json:    func(*testing.T, *authzWorld) string { return `{"reason":"Soạn lại."}` },
			changed: func(t *testing.T, w *authzWorld) bool { return w.status(t, w.open(t).ID) != domain.StatusOpen }},
		{method: "POST", path: "/api/v1/consultations/:id/versions", want: expect(s401, s201, s403, s403, s403, s201),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) },
			json:    func(*testing.T, *authzWorld) string { return fmt.Sprintf(`{"text":%q}`, revisedDraft()) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.version(t, w.open(t).ID) == 2 }},
		{method: "POST", path: "/api/v1/consultations/:id/recognition", want: expect(s401, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.adopted(t).ID) },
			json: func(*testing.T, *authzWorld) string {
				return fmt.Sprintf(`{"step":"submit","adopted_on":%q,"minutes_date":%q,"has_text":true}`, today(0), today(0))
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.charterRecorded(t) }},
		{method: "POST", path: "/api/v1/consultations/:id/opinions/offline", want: expect(s401, s201, s403, s403, s403, s201),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.open(t).ID) },
			json: func(*testing.T, *authzWorld) string {
				return `{"channel":"meeting","reference":"BB-01/2026","stance":"agree","body":"Ý kiến ghi tại cuộc họp thôn"}`
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "opinions", fmt.Sprintf("consultation_id = %d", w.open(t).ID)) > 0
			}},
		{method: "POST", path: "/api/v1/opinions/:id/attachments", want: expect(s401, s201, s403, s403, s403, s201),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.offlineOpinion(t)) },
			upload: func(*testing.T, *authzWorld) []byte { return samplePDF },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "opinion_attachments", fmt.Sprintf("opinion_id = %d", w.offlineOpinion(t))) > 0
			}},
		{method: "POST", path: "/api/v1/opinions/:id/response", want: expect(s401, s201, s403, s403, s403, s201),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.approved(t)) },
			json: func(*testing.T, *authzWorld) string {
				return `{"kind":"explained","text":"Xin giải trình như sau."}`
			},
			changed: func(t *testing.T, w *authzWorld) bool { return w.answered(t) }},
		{method: "GET", path: "/api/v1/consultations/:id/village-decisions", want: expect(s401, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhDecided) }},
		{method: "POST", path: "/api/v1/consultations/:id/village-decisions", want: expect(s401, s201, s403, s403, s403, s201),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.hh(t).params(t, hhClosed) },
			json:    func(*testing.T, *authzWorld) string { return hhMeetingJSON() },
			changed: func(t *testing.T, w *authzWorld) bool { return w.hh(t).rows(t, "village_decisions", hhClosed) > 0 }},
		{method: "POST", path: "/api/v1/consultations/:id/decisions", want: expect(s401, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) },
			json: func(t *testing.T, w *authzWorld) string {
				return fmt.Sprintf(`{"section_id": %d, "decision": "kept"}`, w.article(t))
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "article_decisions", fmt.Sprintf("consultation_id = %d", w.closed(t).ID)) > 0
			}},
		{method: "POST", path: "/api/v1/consultations/:id/results", want: expect(s401, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.emptyClosed(t).ID) },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.status(t, w.emptyClosed(t).ID) == domain.StatusResultsPublished
			}},
		{method: "GET", path: "/api/v1/consultations/:id/report.csv", want: expect(s401, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "GET", path: "/api/v1/consultations/:id/report.xlsx", want: expect(s401, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.closed(t).ID) }},
		{method: "GET", path: "/api/v1/oversight", want: expect(s401, s200, s200, s200, s200, s200)},
		{method: "POST", path: "/api/v1/initiatives/:id/paper-supports", want: expect(s401, s201, s403, s403, s403, s201),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, true)) },
			json: func(*testing.T, *authzWorld) string {
				return fmt.Sprintf(`{"households":"8","signed_on":%q}`, today(0))
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiative_supports", fmt.Sprintf("initiative_id = %d AND household_serial = 8", w.initiative(t, true))) > 0
			}},
		{method: "POST", path: "/api/v1/initiatives/:id/moderation", want: expect(s401, s403, s403, s200, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, false)) },
			json:   func(*testing.T, *authzWorld) string { return `{"decision":"reject","reason":"spam"}` },
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiatives", fmt.Sprintf("id = %d AND status = 'rejected'", w.initiative(t, false))) > 0
			}},
		{method: "POST", path: "/api/v1/initiatives/:id/outcome", want: expect(s401, s200, s403, s403, s403, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.initiative(t, true)) },
			json: func(*testing.T, *authzWorld) string {
				return `{"outcome":"declined","note":"Không thuộc việc cộng đồng dân cư quyết định."}`
			},
			changed: func(t *testing.T, w *authzWorld) bool {
				return w.count(t, "initiatives", fmt.Sprintf("id = %d AND status = 'declined'", w.initiative(t, true))) > 0
			}},
		{method: "GET", path: "/api/v1/consultations/:id/plan", want: expect(s401, s200, s403, s200, s200, s200),
			params: func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).open(t)) }},
		{method: "POST", path: "/api/v1/consultations/:id/plan", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).open(t)) },
			json:    func(*testing.T, *authzWorld) string { return fmt.Sprintf(`{"front_sent_on":%q}`, today(0)) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.pl(t).planRecorded(t, "front_sent_on") }},
		{method: "POST", path: "/api/v1/consultations/:id/council-report", want: expect(s401, s200, s403, s403, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pl(t).results(t)) },
			json:    func(*testing.T, *authzWorld) string { return fmt.Sprintf(`{"submitted_on":%q}`, today(0)) },
			changed: func(t *testing.T, w *authzWorld) bool { return w.pl(t).planRecorded(t, "report_submitted_on") }},
		{method: "GET", path: "/api/v1/moderation/queue", want: expect(s401, s403, s403, s200, s403, s200)},
		{method: "POST", path: "/api/v1/opinions/:id/moderation", want: expect(s401, s403, s403, s200, s403, s200),
			params:  func(t *testing.T, w *authzWorld) map[string]string { return w.id(w.pending(t)) },
			json:    func(*testing.T, *authzWorld) string { return `{"decision":"approve"}` },
			changed: func(t *testing.T, w *authzWorld) bool { return w.opinionStatus(t) != domain.OpinionPending }},
	}...)
}

// publicRoutes need no account: residents' pages and forms, the login steps, health checks,
// static files and the public API. Anything not here and not in the matrix fails
// TestEveryRouteHasAnAuthzDecision.
var publicRoutes = []string{
	"GET /healthz", "GET /readyz", "GET /static/*", "GET /favicon.ico",
	"GET /", "GET /c/:id", "GET /c/:id/comment", "POST /c/:id/comment", "GET /c/:id/opinions",
	"GET /c/:id/report", "GET /c/:id/report.csv", "GET /c/:id/report.xlsx", "GET /u/:code",
	"GET /units/:code/annual/:year", "GET /units/:code/annual/:year/print", // counts only, no personal data
	"GET /c/:id/changes",
	"GET /c/:id/council-report", "GET /api/v1/consultations/:id/council-report", // once submitted (plans_test.go)
	"GET /c/:id/notice", "GET /c/:id/form", // printables: the draft's public text, a QR code and blank lines
	"GET /feeds/consultations.atom", "GET /feeds/results.atom", "GET /feeds/charters.atom",
	"GET /track", "GET /track/:code", "POST /track/:code/withdraw", "POST /track/:code/erase", "POST /track/:code/appeal",
	"POST /c/:id/satisfaction", "POST /track/:code/satisfaction",
	"GET /v/:id", "POST /v/:id", // a household votes with the code on its slip; wrong codes are throttled
	// Citizens' initiatives: a household proposes and supports with its household code, throttled as voting codes.
	"GET /u/:code/initiatives", "POST /u/:code/initiatives", "GET /initiatives/:id", "POST /initiatives/:id/support",
	"GET /initiatives/:id/form", // a blank A4 sheet for paper supports: no names
	"GET /feeds/initiatives.atom",
	"GET /login", "POST /login", "GET /login/totp", "POST /login/totp", "POST /logout",

	"GET /api/v1/units", "GET /api/v1/consultations", "GET /api/v1/consultations/:id",
	"POST /api/v1/consultations/:id/opinions", "GET /api/v1/consultations/:id/opinions",
	"GET /api/v1/consultations/:id/summary", "GET /api/v1/consultations/:id/report", "GET /api/v1/consultations/:id/moderation-stats",
	"POST /api/v1/consultations/:id/ratings",
	"GET /api/v1/opinions/:code", "DELETE /api/v1/opinions/:code",
	"POST /api/v1/opinions/:code/erase", "POST /api/v1/opinions/:code/appeal",
	"POST /api/v1/session", "GET /api/v1/openapi.json",
	"GET /api/v1/consultations/:id/versions", "GET /api/v1/consultations/:id/changes", "GET /api/v1/consultations/:id/recognition",
	// The register of disclosures, public like the notice board it records.
	"GET /u/:code/disclosures", "GET /u/:code/disclosures/quarterly", "GET /u/:code/disclosures/quarterly.csv",
	"GET /u/:code/disclosures/quarterly/print", "GET /disclosures/:id", "GET /disclosures/:id/files/:file", "GET /feeds/disclosures.atom",
	"GET /api/v1/disclosures", "GET /api/v1/disclosures/quarterly", "GET /api/v1/disclosures/quarterly.csv",
	// Public; with a staff credential, POST /initiatives enters a paper proposal of the
	// official's village (initiatives_test.go checks who may).
	"GET /api/v1/initiatives", "GET /api/v1/initiatives/:id", "POST /api/v1/initiatives", "POST /api/v1/initiatives/:id/supports",
	"GET /api/v1/units/:code/annual/:year",
	// The monthly dialogue (dialogue_pages.go): residents' pages, forms and feed, and the public API.
	"GET /u/:code/dialogues", "GET /d/:id", "GET /d/:id/ask", "POST /d/:id/ask", "POST /d/:id/questions/:qid/support",
	"GET /d/:id/minutes", "GET /d/track/:code", "GET /feeds/dialogues.atom",
	"GET /api/v1/dialogues", "GET /api/v1/dialogues/:id", "POST /api/v1/dialogues/:id/questions",
	"POST /api/v1/dialogues/:id/questions/:qid/supports", "GET /api/v1/dialogue-questions/:code",
}

// TestEveryRouteHasAnAuthzDecision fails for a registered route that is neither public nor
// in the matrix (a staff route without a decision), and for a matrix row or public entry
// that names no route any more.
func TestEveryRouteHasAnAuthzDecision(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		srv, err := web.New(config.Config{}.WithDefaults(), app.New(st))
		if err != nil {
			t.Fatal(err)
		}
		decided := map[string]string{}
		for _, r := range append(staffPageRoutes(), staffAPIRoutes()...) {
			decided[r.method+" "+r.path] = "matrix"
		}
		for _, r := range publicRoutes {
			if decided[r] != "" {
				t.Errorf("%s is both public and in the matrix", r)
			}
			decided[r] = "public"
		}
		registered := map[string]bool{}
		var missing []string
		for _, r := range srv.Echo.Routes() {
			if r.Method == echo.RouteNotFound {
				continue // the /staff group's catch-all for unknown paths, behind requireStaff
			}
			key := r.Method + " " + r.Path
			registered[key] = true
			if decided[key] == "" {
				missing = append(missing, key)
			}
		}
		sort.Strings(missing)
		for _, key := range missing {
			if strings.Contains(key, " /staff") || strings.Contains(key, " /api/") {
				t.Errorf("%s has no authorisation decision: add it to the matrix in authz_test.go (or, if residents use it, to publicRoutes)", key)
			} else {
				t.Errorf("%s is neither in publicRoutes nor in the matrix of authz_test.go", key)
			}
		}
		for key := range decided {
			if !registered[key] {
				t.Errorf("%s is in authz_test.go but no such route is registered", key)
			}
		}
	})
}

// TestAuthorisationMatrix makes each request of the matrix as each caller (pages through a
// signed-in browser with a valid CSRF token; the API with a bearer token and again with the
// browser's session cookie) on fresh objects of commune A, and checks the status and that
// refused requests changed nothing.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		m := newMatrix(t, env)
		n := 0
		run := func(r authzRoute, c caller, via string) {
			n++
			w := &authzWorld{env: env, st: st, n: n}
			t.Run(fmt.Sprintf("%s %s/%s/%s", r.method, r.path, callerNames[c], via), func(t *testing.T) {
				path := fillPath(t, r, w)
				res := m.do(t, c, via, r, w, path)
				want := r.want[c]
				loc := res.Header.Get("Location")
				switch {
				case want == toLogin:
					if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
						t.Errorf("%s %s as %s: status %d (location %q), want 303 to /login", r.method, path, callerNames[c], res.Status, loc)
					}
				case res.Status != want:
					t.Errorf("%s %s as %s via %s: status %d, want %d%s", r.method, path, callerNames[c], via, res.Status, want, jsonExcerpt(res))
				case want == http.StatusSeeOther && strings.HasPrefix(loc, "/login"):
					t.Errorf("%s %s as %s: sent to the login form", r.method, path, callerNames[c])
				}
				if r.changed != nil {
					if got := r.changed(t, w); got != carriedOut(want) {
						if got {
							t.Errorf("%s %s as %s via %s was refused but its change happened", r.method, path, callerNames[c], via)
						} else {
							t.Errorf("%s %s as %s via %s was allowed but changed nothing", r.method, path, callerNames[c], via)
						}
					}
				}
			})
		}
		for _, r := range staffPageRoutes() {
			for c := range numCallers {
				run(r, c, "session")
			}
		}
		for _, r := range staffAPIRoutes() {
			for c := range numCallers {
				run(r, c, "bearer")
				if c != anonymous {
					run(r, c, "session")
				}
			}
		}
	})
}

// matrix holds one browser (signed in, with its session's CSRF token, but for the anonymous
// caller) and one bearer token per caller.
type matrix struct {
	env      *testutil.Env
	browsers [numCallers]*testutil.Browser
	csrf     [numCallers]string
	tokens   [numCallers]string
	api      *testutil.Browser // no cookies that sign anyone in: bearer tokens only
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func newMatrix(t *testing.T, env *testutil.Env) *matrix {
	t.Helper()
	m := &matrix{env: env, api: env.NewBrowser(t)}
	actors := [numCallers]*domain.Actor{nil, env.OfficialA, env.OfficialB, env.ModeratorA, env.ObserverA, env.Admin, env.FrontA}
	for c := range numCallers {
		b := env.NewBrowser(t)
		if a := actors[c]; a != nil {
			b.Login(a.Email)
			token, err := env.App.CreateToken(context.Background(), a.Email)
			if err != nil {
				t.Fatal(err)
			}
			m.tokens[c] = token
		}
		// The token is the session's, so one serves every form of the browser; a visitor
		// without a session gets none (the field is empty).
		page := b.Get("/login")
		tok := csrfInput.FindStringSubmatch(page.Body)
		if tok == nil || (tok[1] == "") != (actors[c] == nil) {
			t.Fatalf("CSRF field for %s: %q", callerNames[c], tok)
		}
		m.browsers[c], m.csrf[c] = b, tok[1]
	}
	return m
}

func (m *matrix) do(t *testing.T, c caller, via string, r authzRoute, w *authzWorld, path string) *testutil.Response {
	t.Helper()
	if r.upload != nil {
		return m.sendUpload(t, c, via, r, w, path)
	}
	if strings.HasPrefix(r.path, "/api/") {
		body := ""
		if r.json != nil {
			body = r.json(t, w)
		}
		if via == "session" {
			return m.browsers[c].JSON(r.method, path, body, nil)
		}
		h := map[string]string{}
		if m.tokens[c] != "" {
			h["Authorization"] = "Bearer " + m.tokens[c]
		}
		return m.api.JSON(r.method, path, body, h)
	}
	b := m.browsers[c]
	if r.method == http.MethodGet {
		return b.Get(path)
	}
	values := url.Values{}
	if r.form != nil {
		values = r.form(t, w)
	}
	values.Set("_csrf", m.csrf[c])
	return b.Do(r.method, path, strings.NewReader(values.Encode()), b.FormHeaders())
}

// fillPath replaces each ":name" segment of the route's path with its parameter.
func fillPath(t *testing.T, r authzRoute, w *authzWorld) string {
	t.Helper()
	var params map[string]string
	if r.params != nil {
		params = r.params(t, w)
	}
	segs := strings.Split(r.path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			v, set := params[name]
			if !set {
				t.Fatalf("%s: no value for :%s", r.path, name)
			}
			segs[i] = url.PathEscape(v)
		}
	}
	if r.query != nil {
		return strings.Join(segs, "/") + "?" + r.query(t, w)
	}
	return strings.Join(segs, "/")
}

// authzWorld makes, on demand, the objects of commune A one request of the matrix acts on,
// so that no request sees what another changed.
type authzWorld struct {
	env *testutil.Env
	st  *store.Store
	n   int

	draftC, openC *domain.Consultation
	ripeC         *domain.Consultation // open, published 31 days ago: it may be closed, with a reason
	closedC       *domain.Consultation // closed, with one approved opinion waiting for an answer
	emptyC        *domain.Consultation // closed with no opinion, so its results can be published
	approvedID    int64
	pendingID     int64
	targetID      int64
	roleID        int64 // a role of the target, to remove
	tokenID       int64 // a token of the target, to revoke
	noticeID      int64 // a notice in official A's inbox

	// household makes the decide matters of commune A (household_test.go).
	household *householdWorld

	// Citizens' initiatives of village A1, pending and open; a village for household codes.
	pendingIni, openIni int64
	codesVillageCode    string

	// A dialogue of commune A, a question to it and a promise (dialogue_authz_test.go).
	dialogueD             *domain.Dialogue
	questionID, promiseID int64
	// plans makes the consult matters of commune A with their plans (plans_test.go).
	plans *plansWorld
}

// initiative is a paper proposal of village A1 entered by official A, approved when open.
func (w *authzWorld) initiative(t *testing.T, open bool) int64 {
	t.Helper()
	if open && w.openIni != 0 {
		return w.openIni
	}
	if !open && w.pendingIni != 0 {
		return w.pendingIni
	}
	ctx := context.Background()
	h := 10 + w.n%100
	i, err := w.env.App.ProposeInitiative(ctx, w.env.OfficialA, "A1", app.NewInitiative{Kind: "matter",
		Title: fmt.Sprintf("Đề xuất %d", w.n), Body: "Làm đường ngõ 3.", LastDay: today(10), Household: &h})
	if err != nil {
		t.Fatal(err)
	}
	if !open {
		w.pendingIni = i.ID
		return i.ID
	}
	if err := w.env.App.ModerateInitiative(ctx, w.env.ModeratorA, i.ID, app.InitiativeModeration{Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	w.openIni = i.ID
	return i.ID
}

// codesVillage is a new village of commune A without household codes.
func (w *authzWorld) codesVillage(t *testing.T) string {
	t.Helper()
	if w.codesVillageCode == "" {
		w.codesVillageCode = fmt.Sprintf("IC%d", w.n)
		addVillage(t, w.st, w.codesVillageCode, "Thôn Mã", 30)
	}
	return w.codesVillageCode
}

func (w *authzWorld) id(id int64) map[string]string { return map[string]string{"id": fmt.Sprint(id)} }
func (w *authzWorld) title() string                 { return fmt.Sprintf("Dự thảo ma trận %d", w.n) }
func (w *authzWorld) email() string                 { return fmt.Sprintf("moi%d@example.vn", w.n) }
func (w *authzWorld) unitCode() string              { return fmt.Sprintf("AZ%d", w.n) }

func (w *authzWorld) newConsultation(t *testing.T, title string) *domain.Consultation {
	t.Helper()
	return newDraft(t, w.env, title)
}

// draft is a draft consultation of commune A that could be published at once.
func (w *authzWorld) draft(t *testing.T) *domain.Consultation {
	t.Helper()
	if w.draftC == nil {
		w.draftC = w.newConsultation(t, fmt.Sprintf("Bản nháp %d", w.n))
	}
	return w.draftC
}

// open is an open consultation of commune A.
func (w *authzWorld) open(t *testing.T) *domain.Consultation {
	t.Helper()
	if w.openC == nil {
		c := w.newConsultation(t, fmt.Sprintf("Đang lấy ý kiến %d", w.n))
		var err error
		if w.openC, err = w.env.App.Publish(context.Background(), w.env.OfficialA, c.ID); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	return w.openC
}

// ripe is an open hương ước of commune A published 31 days ago, its last day 5 days ahead:
// its 30-day minimum has run, so it may be closed early with a reason.
func (w *authzWorld) ripe(t *testing.T) *domain.Consultation {
	t.Helper()
	if w.ripeC == nil {
		w.ripeC = w.env.OpenedDaysAgo(t, 31, 5)
	}
	return w.ripeC
}

// pending is an opinion waiting for moderation on an open consultation of commune A.
func (w *authzWorld) pending(t *testing.T) int64 {
	t.Helper()
	if w.pendingID == 0 {
		r, err := w.env.App.SubmitOpinion(context.Background(), w.open(t).ID,
			app.NewOpinion{Stance: "agree", Body: fmt.Sprintf("Tôi đồng ý với dự thảo số %d", w.n)}, "")
		if err != nil {
			t.Fatalf("submit opinion: %v", err)
		}
		w.pendingID = r.Opinion.ID
	}
	return w.pendingID
}

// target is another staff account of commune A (moderator of village A1 and observer of
// the commune), with a bearer token and the second factor on.
func (w *authzWorld) target(t *testing.T) int64 {
	t.Helper()
	if w.targetID != 0 {
		return w.targetID
	}
	ctx := context.Background()
	a, err := w.st.UnitByCode(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	a1, err := w.st.UnitByCode(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("dich%d@example.vn", w.n)
	s := &domain.Staff{Email: email, Name: "Cán bộ thôn", PasswordHash: "-", CreatedAt: time.Now().UTC()}
	if err := w.st.CreateStaff(ctx, s, []domain.RoleAssignment{
		{Role: domain.RoleModerator, UnitID: a1.ID}, {Role: domain.RoleObserver, UnitID: a.ID},
	}); err != nil {
		t.Fatalf("create target: %v", err)
	}
	w.targetID = s.ID
	roles := w.roles(t)
	w.roleID = roles[1].ID
	if _, err := w.env.App.CreateToken(ctx, email); err != nil {
		t.Fatal(err)
	}
	tokens, err := w.st.TokensOf(ctx, s.ID)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens: %v %d", err, len(tokens))
	}
	w.tokenID = tokens[0].ID
	if done, err := w.st.SetPendingTOTPSecret(ctx, s.ID, "JBSWY3DPEHPK3PXPJBSWY3DP"); err != nil || !done {
		t.Fatalf("totp secret: %v %v", done, err)
	}
	if done, err := w.st.EnableTOTP(ctx, s.ID, "JBSWY3DPEHPK3PXPJBSWY3DP", 1, time.Now().UTC()); err != nil || !done {
		t.Fatalf("enable totp: %v %v", done, err)
	}
	return w.targetID
}

func (w *authzWorld) targetStaff(t *testing.T) *domain.Staff {
	t.Helper()
	s, err := w.st.StaffByID(context.Background(), w.targetID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *authzWorld) roles(t *testing.T) []domain.RoleAssignment {
	t.Helper()
	roles, err := w.st.RolesOf(context.Background(), w.targetID)
	if err != nil {
		t.Fatal(err)
	}
	return roles
}

func (w *authzWorld) status(t *testing.T, id int64) domain.Status {
	t.Helper()
	c, err := w.st.ConsultationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func (w *authzWorld) opinionStatus(t *testing.T) domain.OpinionStatus {
	t.Helper()
	o, err := w.st.OpinionByID(context.Background(), w.pendingID)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

// count counts the rows of a table matching a condition written by the test itself.
func (w *authzWorld) count(t *testing.T, table, where string) int {
	t.Helper()
	return countRows(t, w.st, table, where)
}

func countRows(t *testing.T, st *store.Store, table, where string) int {
	t.Helper()
	var n int
	if err := st.SQLDB().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table+" WHERE "+where).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// jsonExcerpt is the start of an API answer, to show with a failure; pages say too little
// in their first bytes to be worth it.
func jsonExcerpt(res *testutil.Response) string {
	if !strings.HasPrefix(res.Body, "{") {
		return ""
	}
	return fmt.Sprintf("\n%.300s", res.Body)
}

// TestRefusedBulkDecisionChangesNothing sends one bulk decision over an opinion of the
// moderator's commune and one of another commune (ids only a crafted request would mix):
// the request is refused, and refused whole, so the moderator is not told "forbidden" about
// a decision that was in fact partly carried out.
func TestRefusedBulkDecisionChangesNothing(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		ctx := context.Background()
		mine := (&authzWorld{env: env, st: st, n: 1}).pending(t)
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
		cb, err := env.App.CreateConsultation(ctx, env.OfficialB, app.NewConsultation{
			Title: "Dự thảo của xã Bắc Sơn", Kind: "huong_uoc", UnitCode: "B", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Publish(ctx, env.OfficialB, cb.ID); err != nil {
			t.Fatal(err)
		}
		r, err := env.App.SubmitOpinion(ctx, cb.ID, app.NewOpinion{Stance: "agree", Body: "Ý kiến ở xã Bắc Sơn"}, "")
		if err != nil {
			t.Fatal(err)
		}
		theirs := r.Opinion.ID

		moderator := env.NewBrowser(t)
		moderator.Login(env.ModeratorA.Email)
		res := moderator.Submit("/staff/moderation", "/staff/moderation/bulk", url.Values{
			"ids": {fmt.Sprint(mine), fmt.Sprint(theirs)}, "decision": {"approve"},
		})
		if res.Status != http.StatusForbidden {
			t.Errorf("bulk decision over another commune's opinion: status %d, want 403", res.Status)
		}
		for _, id := range []int64{mine, theirs} {
			o, err := st.OpinionByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != domain.OpinionPending {
				t.Errorf("opinion %d is %s after a refused bulk decision, want it still pending", id, o.Status)
			}
		}
	})
}

// article is the first article of the closed consultation's draft.
func (w *authzWorld) article(t *testing.T) int64 {
	t.Helper()
	c, err := w.st.ConsultationByID(context.Background(), w.closed(t).ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Sections {
		if s.Kind == "article" {
			return s.ID
		}
	}
	t.Fatal("the draft has no article")
	return 0
}

// closed is a closed consultation of commune A with one approved opinion to answer.
func (w *authzWorld) closed(t *testing.T) *domain.Consultation {
	t.Helper()
	if w.closedC != nil {
		return w.closedC
	}
	ctx := context.Background()
	c := w.newConsultation(t, fmt.Sprintf("Đã kết thúc %d", w.n))
	if _, err := w.env.App.Publish(ctx, w.env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	r, err := w.env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "other", Body: fmt.Sprintf("Ý kiến cần trả lời %d", w.n)}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.App.Moderate(ctx, w.env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	w.approvedID = r.Opinion.ID
	w.closedC = w.env.CloseAtEnd(t, w.env.OfficialA, c)
	return w.closedC
}

// notice is an unread notice in official A's inbox, about a draft of commune A.
func (w *authzWorld) notice(t *testing.T) int64 {
	t.Helper()
	if w.noticeID == 0 {
		cid := w.draft(t).ID
		n := &domain.Notification{StaffID: w.env.OfficialA.StaffID, Kind: domain.NoticeResults, ConsultationID: &cid,
			DedupKey: fmt.Sprintf("matrix:%d", w.n), CreatedAt: time.Now()}
		if created, err := w.st.AddNotification(context.Background(), n); err != nil || !created {
			t.Fatalf("add notice: %v %v", created, err)
		}
		w.noticeID = n.ID
	}
	return w.noticeID
}

// noticeRead reports whether official A's notice is marked read.
func (w *authzWorld) noticeRead(t *testing.T) bool {
	t.Helper()
	return w.count(t, "staff_notifications", fmt.Sprintf("id = %d AND read_at IS NOT NULL", w.notice(t))) > 0
}

// approved is the approved opinion of the closed consultation.
func (w *authzWorld) approved(t *testing.T) int64 {
	t.Helper()
	w.closed(t)
	return w.approvedID
}

// answered reports whether the approved opinion has an answer.
func (w *authzWorld) answered(t *testing.T) bool {
	t.Helper()
	o, err := w.st.OpinionByID(context.Background(), w.approved(t))
	if err != nil {
		t.Fatal(err)
	}
	return o.ResponseID != nil
}

// emptyClosed is a closed consultation of commune A without opinions.
func (w *authzWorld) emptyClosed(t *testing.T) *domain.Consultation {
	t.Helper()
	if w.emptyC == nil {
		ctx := context.Background()
		c := w.newConsultation(t, fmt.Sprintf("Không ai góp ý %d", w.n))
		if _, err := w.env.App.Publish(ctx, w.env.OfficialA, c.ID); err != nil {
			t.Fatalf("publish: %v", err)
		}
		w.emptyC = w.env.CloseAtEnd(t, w.env.OfficialA, c)
	}
	return w.emptyC
}
