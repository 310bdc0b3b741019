package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/httpx"
)

type adminUnitsData struct {
	Units  []domain.Unit
	Result *app.ImportResult
	Lines  []string // what is wrong with a refused file, line by line
}

func (s *Server) adminUnits(c echo.Context) error {
	units, err := s.app.AdminUnits(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	v := s.view(c, "admin.units.title", adminUnitsData{Units: units})
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "admin_units", v)
}

// importUnits takes the official list as an uploaded CSV file or as pasted text.
func (s *Server) importUnits(c echo.Context) error {
	ctx := c.Request().Context()
	actor := httpx.Actor(c)
	var text string
	if fh, err := c.FormFile("file"); err == nil {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, rerr := f.Read(buf)
			b.Write(buf[:n])
			if rerr != nil {
				break
			}
		}
		text = b.String()
	} else {
		text = c.FormValue("csv")
	}
	res, err := s.app.ImportUnits(ctx, actor, strings.NewReader(text))
	if err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid {
			return err
		}
		units, uerr := s.app.AdminUnits(ctx, actor)
		if uerr != nil {
			return uerr
		}
		d := adminUnitsData{Units: units}
		msgs := httpx.FieldMessages(de, httpx.Lang(c))
		keys := make([]string, 0, len(msgs))
		for k := range msgs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			d.Lines = append(d.Lines, msgs[k])
		}
		v := s.view(c, "admin.units.title", d)
		v.Message = httpx.T(c, de.Message.Key, de.Message.Args...)
		return s.views.render(c, http.StatusUnprocessableEntity, "admin_units", v)
	}
	s.sessions.Put(ctx, "flash", "flash.imported|"+strconv.Itoa(res.Created)+","+strconv.Itoa(res.Updated))
	return c.Redirect(http.StatusSeeOther, "/staff/admin/units")
}

type adminStaffData struct {
	Staff []domain.Staff
	Units []domain.Unit
	In    app.NewStaff
	Roles []domain.Role
}

func (s *Server) adminStaffView(c echo.Context, in app.NewStaff) (View, error) {
	ctx := c.Request().Context()
	actor := httpx.Actor(c)
	staff, err := s.app.AdminStaff(ctx, actor)
	if err != nil {
		return View{}, err
	}
	units, err := s.app.AdminUnits(ctx, actor)
	if err != nil {
		return View{}, err
	}
	return s.view(c, "admin.staff.title", adminStaffData{Staff: staff, Units: units, In: in, Roles: domain.Roles}), nil
}

func (s *Server) adminStaff(c echo.Context) error {
	v, err := s.adminStaffView(c, app.NewStaff{Role: string(domain.RoleOfficial)})
	if err != nil {
		return err
	}
	v.Flash = flashText(c, s.sessions.PopString(c.Request().Context(), "flash"))
	return s.views.render(c, http.StatusOK, "admin_staff", v)
}

func (s *Server) createStaff(c echo.Context) error {
	in := app.NewStaff{
		Email: c.FormValue("email"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		UnitCode: c.FormValue("unit_code"), Password: c.FormValue("password"),
	}
	st, err := s.app.CreateStaffAs(c.Request().Context(), httpx.Actor(c), in)
	if err != nil {
		in.Password = ""
		v, verr := s.adminStaffView(c, in)
		if verr != nil {
			return verr
		}
		return s.formError(c, err, "admin_staff", "admin.staff.title", v.Data)
	}
	s.sessions.Put(c.Request().Context(), "flash", "flash.staff_created")
	return c.Redirect(http.StatusSeeOther, "/staff/admin/staff/"+strconv.FormatInt(st.ID, 10))
}

type staffDetailData struct {
	E     *app.StaffEntry
	Units []domain.Unit
	Roles []domain.Role
}

func (s *Server) staffDetail(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.app.StaffDetail(ctx, httpx.Actor(c), id)
	if err != nil {
		return err
	}
	units, err := s.app.AdminUnits(ctx, httpx.Actor(c))
	if err != nil {
		return err
	}
	v := s.view(c, "admin.staff.title", staffDetailData{E: e, Units: units,
		Roles: domain.Roles})
	v.Title = e.Staff.Name
	v.Flash = flashText(c, s.sessions.PopString(ctx, "flash"))
	if m := s.sessions.PopString(ctx, "error"); m != "" {
		v.Message = httpx.T(c, m)
	}
	return s.views.render(c, http.StatusOK, "admin_staff_detail", v)
}

// staffAction runs one change to an account and returns to its page, with the outcome as a
// flash message; refusals other than bad input go to the error handler.
func (s *Server) staffAction(c echo.Context, do func(id int64) error, flash string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		de := domain.AsError(err)
		if de.Code != domain.CodeInvalid && de.Code != domain.CodeConflict {
			return err
		}
		key := de.Message.Key
		for _, m := range de.Fields {
			key = m.Key
		}
		s.sessions.Put(c.Request().Context(), "error", key)
	} else {
		s.sessions.Put(c.Request().Context(), "flash", flash)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/admin/staff/"+strconv.FormatInt(id, 10))
}

func (s *Server) addRole(c echo.Context) error {
	return s.staffAction(c, func(id int64) error {
		return s.app.AddRole(c.Request().Context(), httpx.Actor(c), id, c.FormValue("role"), c.FormValue("unit_code"))
	}, "flash.saved")
}

func (s *Server) removeRole(c echo.Context) error {
	roleID, err := strconv.ParseInt(c.Param("role"), 10, 64)
	if err != nil {
		return domain.ErrNotFound
	}
	return s.staffAction(c, func(id int64) error {
		return s.app.RemoveRole(c.Request().Context(), httpx.Actor(c), id, roleID)
	}, "flash.saved")
}

func (s *Server) setDisabled(c echo.Context) error {
	return s.staffAction(c, func(id int64) error {
		return s.app.SetStaffDisabled(c.Request().Context(), httpx.Actor(c), id, c.FormValue("disabled") == "1")
	}, "flash.saved")
}

func (s *Server) revokeToken(c echo.Context) error {
	tokenID, err := strconv.ParseInt(c.Param("token"), 10, 64)
	if err != nil {
		return domain.ErrNotFound
	}
	return s.staffAction(c, func(id int64) error {
		return s.app.RevokeToken(c.Request().Context(), httpx.Actor(c), id, tokenID)
	}, "flash.token_revoked")
}

func (s *Server) resetSecondFactor(c echo.Context) error {
	return s.staffAction(c, func(id int64) error {
		return s.app.ResetSecondFactor(c.Request().Context(), httpx.Actor(c), id)
	}, "flash.totp_reset")
}
