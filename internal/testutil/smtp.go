package testutil

import (
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPMessage is one message as the test mail server received it.
type SMTPMessage struct {
	From string   // envelope sender
	To   []string // envelope recipients
	Data []byte   // the message as sent, headers and body
	TLS  bool     // whether it came over STARTTLS
	User string   // the login it came with, if any
}

// Text decodes the message's Subject header and its quoted-printable (or plain) body.
func (m SMTPMessage) Text() (subject, body string, err error) {
	msg, err := netmail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		return "", "", err
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return "", "", err
	}
	r := msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return "", "", err
	}
	return subject, strings.ReplaceAll(string(raw), "\r\n", "\n"), nil
}

// SMTPOptions configure the test mail server.
type SMTPOptions struct {
	// TLSConfig, when set, makes the server offer STARTTLS.
	TLSConfig *tls.Config
	// Username and Password, when set, are the one PLAIN login the server accepts (only
	// after STARTTLS, as a real server would).
	Username, Password string
}

// SMTPServer is an in-process SMTP server (emersion/go-smtp) on a loopback port, keeping
// what it receives. Stop and Start take it down and up again on the same address, as a mail
// server outage would.
type SMTPServer struct {
	Addr string

	t    testing.TB
	opts SMTPOptions

	mu  sync.Mutex
	srv *smtp.Server // nil while stopped
	got []SMTPMessage
}

// StartSMTP starts a plain SMTP server without login, stopped when the test ends.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	return StartSMTPWith(t, SMTPOptions{})
}

// StartSMTPWith starts an SMTP server with options, stopped when the test ends.
func StartSMTPWith(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	s := &SMTPServer{t: t, opts: opts, Addr: "127.0.0.1:0"}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start listens again on the server's address; it does nothing if it is running.
func (s *SMTPServer) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		s.t.Fatalf("SMTP listen on %s: %v", s.Addr, err)
	}
	s.Addr = l.Addr().String()
	srv := smtp.NewServer(&smtpBackend{s: s})
	srv.Domain = "localhost"
	srv.TLSConfig = s.opts.TLSConfig
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = srv.Serve(l) }()
	s.srv = srv
}

// Stop closes the listener and every open connection: until Start, connections are refused.
func (s *SMTPServer) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// Messages returns what the server has received so far, in order, across restarts.
func (s *SMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.got...)
}

type smtpBackend struct{ s *SMTPServer }

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: b.s, c: c}, nil
}

type smtpSession struct {
	s    *SMTPServer
	c    *smtp.Conn
	user string
	cur  SMTPMessage
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		o := s.s.opts
		if o.Username == "" || username != o.Username || password != o.Password {
			return errors.New("invalid credentials")
		}
		s.user = username
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = data
	_, s.cur.TLS = s.c.TLSConnectionState()
	s.cur.User = s.user
	s.s.mu.Lock()
	s.s.got = append(s.s.got, s.cur)
	s.s.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.cur = SMTPMessage{} }
func (s *smtpSession) Logout() error { return nil }
