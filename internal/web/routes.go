package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes lists every route of the portal.
func (s *Server) routes() {
	e := s.Echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/static/*", s.assets.serve)
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.assets.URL("icon.svg"))
	})

	// Residents: no account needed.
	e.GET("/", s.home)
	e.GET("/c/:id", s.showConsultation)
	e.GET("/c/:id/comment", s.newOpinion)
	e.POST("/c/:id/comment", s.createOpinion, s.limitOpinions)
	e.GET("/c/:id/opinions", s.listOpinions)
	e.GET("/c/:id/changes", s.changes)
	e.GET("/c/:id/report", s.publicReport)
	e.GET("/c/:id/report.csv", s.publicReportCSV)
	e.GET("/c/:id/report.xlsx", s.publicReportXLSX)
	e.GET("/c/:id/notice", s.printNotice) // A4 notice for the village board (print_pages.go)
	e.GET("/c/:id/form", s.householdForm) // A4 household opinion form
	e.GET("/u/:code", s.unitPage)
	e.GET("/feeds/consultations.atom", s.consultationsFeed)
	e.GET("/feeds/results.atom", s.resultsFeed)
	e.GET("/v/:id", s.votePage)
	e.POST("/v/:id", s.castVote)
	e.GET("/track", s.track, s.limitCodeGuesses)
	e.GET("/track/:code", s.track, s.limitCodeGuesses)
	e.POST("/track/:code/withdraw", s.withdrawOpinion, s.limitCodeGuesses)
	e.POST("/track/:code/erase", s.eraseMyData, s.limitCodeGuesses)
	e.POST("/track/:code/appeal", s.appeal, s.limitCodeGuesses)
	e.POST("/c/:id/satisfaction", s.rate, s.limitRatings)
	e.POST("/track/:code/satisfaction", s.rateTracked, s.limitRatings, s.limitCodeGuesses)

	// Staff.
	e.GET("/login", s.loginForm)
	e.POST("/login", s.login)
	e.GET("/login/totp", s.loginCodeForm)
	e.POST("/login/totp", s.loginCode)
	e.POST("/logout", s.logout)
	staff := e.Group("/staff", s.requireStaff)
	staff.GET("", s.staffHome)
	staff.GET("/account/password", s.passwordPage)
	staff.POST("/account/password", s.changePassword)
	staff.GET("/account/totp", s.totpPage)
	staff.POST("/account/totp", s.enableTOTP)
	staff.POST("/account/totp/disable", s.disableTOTP)
	staff.GET("/inbox", s.inbox)
	staff.POST("/inbox/:id/read", s.markRead)
	staff.POST("/inbox/read-all", s.markAllRead)
	staff.GET("/consultations/new", s.newConsultation)
	staff.POST("/consultations", s.createConsultation)
	staff.GET("/consultations/:id", s.staffConsultation)
	staff.GET("/consultations/:id/edit", s.editConsultation)
	staff.POST("/consultations/:id/edit", s.updateConsultation)
	staff.POST("/consultations/:id/delete", s.deleteConsultation)
	staff.GET("/consultations/:id/publish", s.confirmPublish)
	staff.POST("/consultations/:id/publish", s.publishConsultation)
	staff.GET("/consultations/:id/close", s.confirmClose)
	staff.POST("/consultations/:id/close", s.closeConsultation)
	staff.GET("/consultations/:id/withdraw", s.confirmWithdraw)
	staff.POST("/consultations/:id/withdraw", s.withdrawConsultation)
	staff.GET("/consultations/:id/versions/new", s.newVersion)
	staff.POST("/consultations/:id/versions", s.createVersion)
	staff.GET("/consultations/:id/recognition", s.charter)
	staff.POST("/consultations/:id/recognition", s.recordCharterStep)
	staff.GET("/consultations/:id/offline", s.offlineSheet)
	staff.POST("/consultations/:id/offline", s.enterOffline)
	staff.GET("/attachments/:id", s.downloadAttachment)
	staff.GET("/consultations/:id/answers", s.answerSheet)
	staff.POST("/consultations/:id/answers", s.answerOpinions)
	staff.GET("/consultations/:id/decisions", s.decisionSheet)
	staff.POST("/consultations/:id/decisions", s.decideArticle)
	staff.POST("/consultations/:id/results", s.publishResults)
	staff.GET("/consultations/:id/villages", s.householdDecisions)
	staff.POST("/consultations/:id/villages/:village/decision", s.recordVillageDecision)
	staff.GET("/consultations/:id/villages/:village/record", s.villageRecord)
	staff.GET("/consultations/:id/villages/:village/record.docx", s.villageRecordDOCX)
	staff.POST("/consultations/:id/villages/:village/sent", s.decisionSent)
	staff.POST("/consultations/:id/villages/:village/receipt", s.frontReceipt)
	staff.POST("/consultations/:id/villages/:village/sign", s.signRecord)
	staff.POST("/consultations/:id/villages/:village/recognition", s.recogniseDecision)
	staff.POST("/consultations/:id/villages/:village/ballot", s.saveBallot)
	staff.POST("/consultations/:id/villages/:village/ballot/agree", s.agreeOnlineVote)
	staff.POST("/consultations/:id/villages/:village/ballot/codes", s.issueCodes)
	staff.GET("/consultations/:id/villages/:village/ballot/minutes", s.ballotMinutes)
	staff.POST("/consultations/:id/outcome", s.concludeDecision)
	staff.GET("/consultations/:id/report", s.report)
	staff.GET("/consultations/:id/report.csv", s.reportCSV)
	staff.GET("/consultations/:id/report.xlsx", s.reportXLSX)
	staff.GET("/consultations/:id/report.docx", s.reportDOCX)
	staff.GET("/moderation", s.moderationQueue)
	staff.POST("/opinions/:id/moderate", s.moderateOpinion)
	staff.POST("/moderation/bulk", s.bulkModerate)
	staff.GET("/audit", s.auditLog)
	staff.GET("/oversight", s.oversight)
	staff.GET("/satisfaction", s.satisfactionReport)
	staff.GET("/satisfaction.csv", s.satisfactionCSV)
	staff.GET("/satisfaction.xlsx", s.satisfactionXLSX)
	staff.GET("/moderation/log", s.moderationLog)
	staff.GET("/admin/units", s.adminUnits)
	staff.POST("/admin/units/import", s.importUnits)
	staff.GET("/admin/staff", s.adminStaff)
	staff.POST("/admin/staff", s.createStaff)
	staff.GET("/admin/staff/:id", s.staffDetail)
	staff.POST("/admin/staff/:id/roles", s.addRole)
	staff.POST("/admin/staff/:id/roles/:role/delete", s.removeRole)
	staff.POST("/admin/staff/:id/disabled", s.setDisabled)
	staff.POST("/admin/staff/:id/tokens/:token/revoke", s.revokeToken)
	staff.POST("/admin/staff/:id/totp/reset", s.resetSecondFactor)
	staff.POST("/admin/staff/:id/password", s.setStaffPassword)

	s.api.Register(e.Group("/api/v1"), s.requireStaff)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 503 while the database does not, so a load balancer stops sending traffic.
func (s *Server) readyz(c echo.Context) error {
	if err := s.app.Ping(c.Request().Context()); err != nil {
		c.Response().Header().Set("Retry-After", "5")
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
