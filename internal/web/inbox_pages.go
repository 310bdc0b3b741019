package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

type inboxData struct {
	Items []domain.Notification
	Page  int
	More  bool
}

// inbox shows the signed-in staff member's own notices.
func (s *Server) inbox(c echo.Context) error {
	d := inboxData{Page: queryInt(c, "page", 1)}
	var err error
	if d.Items, d.More, err = s.app.Inbox(c.Request().Context(), httpx.Actor(c), d.Page); err != nil {
		return err
	}
	v := s.view(c, "inbox.title", d)
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "inbox", v)
}

// markRead marks one notice read; someone else's answers 404, like one that does not exist.
func (s *Server) markRead(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.app.MarkRead(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "inbox.flash.read")
	return c.Redirect(http.StatusSeeOther, "/staff/inbox")
}

func (s *Server) markAllRead(c echo.Context) error {
	n, err := s.app.MarkAllRead(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "inbox.flash.read_all|"+strconv.FormatInt(n, 10))
	return c.Redirect(http.StatusSeeOther, "/staff/inbox")
}
