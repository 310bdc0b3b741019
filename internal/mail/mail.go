// Package mail sends plain-text e-mail. The portal never sends from a request: messages go
// through the outbox (internal/app/outbox.go), and a worker hands them to a Sender.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"strings"
	"time"
)

// Sender delivers one message. An error means it was not accepted and may be tried again.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTP sends through a mail server: STARTTLS when the server offers it, and PLAIN
// authentication when a username is set (which net/smtp allows only over TLS or to localhost,
// so a password never crosses the network in clear).
type SMTP struct {
	Addr     string // host:port of the server
	From     string // the From header, "Name <address>" or an address
	Username string
	Password string
	// HelloName is the name given in EHLO; "localhost" when empty.
	HelloName string
	// Timeout bounds one whole delivery when the context has no earlier deadline (default 1 min).
	Timeout time.Duration
	// TLSConfig is used for STARTTLS; nil: verify the server's certificate for its host name.
	TLSConfig *tls.Config
}

// NewSMTP checks the settings and returns a sender.
func NewSMTP(addr, from, username, password string) (*SMTP, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("SMTP address %q: want host:port", addr)
	}
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("sender address %q: %w", from, err)
	}
	return &SMTP{Addr: addr, From: from, Username: username, Password: password}, nil
}

// Send delivers one message to one recipient.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	from, err := netmail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("sender address: %w", err)
	}
	rcpt, err := netmail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("recipient address %q: %w", to, err)
	}
	msg, err := Compose(from, rcpt, subject, body, time.Now())
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := (&net.Dialer{Deadline: deadline}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	// A cancelled context interrupts a conversation stuck on a slow server.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if s.HelloName != "" {
		if err := c.Hello(s.HelloName); err != nil {
			return err
		}
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The server has accepted the message; a failed QUIT does not make it unsent.
	_ = c.Quit()
	return nil
}

// Compose builds a plain-text UTF-8 message with its headers, CRLF line endings and a
// quoted-printable body, so every line stays short and 7-bit whatever the server supports.
func Compose(from, to *netmail.Address, subject, body string, now time.Time) ([]byte, error) {
	if strings.ContainsAny(subject, "\r\n") {
		return nil, errors.New("the subject has a line break")
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	domain := "localhost"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 {
		domain = from.Address[i+1:]
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	// Each encoded word (75 characters at most) goes on a line of its own.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("utf-8", subject), "?= =?", "?=\r\n =?"))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\r\n", "\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
