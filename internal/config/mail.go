package config

import (
	"fmt"
	"net"
	netmail "net/mail"
	"os"
	"strconv"
)

// Mail is the outgoing mail server. With no Addr the portal sends no e-mail at all.
type Mail struct {
	// Addr is the server's host:port, e.g. smtp.example.vn:587 (SMTP_ADDR; empty: mail off).
	Addr string
	// From is the sender, "Góp Ý <gopy@xa.example.gov.vn>" or a bare address (SMTP_FROM,
	// required when SMTP_ADDR is set).
	From string
	// Username and Password log in with PLAIN, over TLS only (SMTP_USERNAME, SMTP_PASSWORD;
	// no login when SMTP_USERNAME is empty).
	Username string
	Password string
	// DigestHour is the local (Asia/Ho_Chi_Minh) hour from which the day's digests to
	// moderators are sent (DIGEST_HOUR, 0–23, default 7).
	DigestHour int
}

// Enabled reports whether e-mail is configured.
func (m Mail) Enabled() bool { return m.Addr != "" }

func loadMail() (Mail, error) {
	m := Mail{
		Addr:       env("SMTP_ADDR", ""),
		From:       env("SMTP_FROM", ""),
		Username:   env("SMTP_USERNAME", ""),
		Password:   os.Getenv("SMTP_PASSWORD"),
		DigestHour: 7,
	}
	if v := env("DIGEST_HOUR", ""); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil || h < 0 || h > 23 {
			return m, fmt.Errorf("DIGEST_HOUR %q: want an hour from 0 to 23", v)
		}
		m.DigestHour = h
	}
	if m.Addr == "" {
		return m, nil
	}
	if host, port, err := net.SplitHostPort(m.Addr); err != nil || host == "" || port == "" {
		return m, fmt.Errorf("SMTP_ADDR %q: want host:port, e.g. smtp.example.vn:587", m.Addr)
	}
	if m.From == "" {
		return m, fmt.Errorf("SMTP_FROM is required when SMTP_ADDR is set")
	}
	if _, err := netmail.ParseAddress(m.From); err != nil {
		return m, fmt.Errorf("SMTP_FROM %q is not an e-mail address: %v", m.From, err)
	}
	return m, nil
}
