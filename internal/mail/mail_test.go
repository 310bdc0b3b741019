package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/mail"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// selfSigned makes a certificate for 127.0.0.1 and the client configuration that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

const (
	subject = "Góp Ý: 12 ý kiến đang chờ kiểm duyệt — hãy xem hàng chờ trước cuộc họp thôn ngày mai"
	body    = "Kính gửi Cán bộ kiểm duyệt,\n\nCó 12 ý kiến đang chờ kiểm duyệt tại các đơn vị anh/chị phụ trách, một dòng rất dài để thử ngắt dòng mềm của quoted-printable.\n.Dòng bắt đầu bằng dấu chấm\n\nhttps://gopy.example.vn/staff/moderation?a=1&b=2\n"
)

// check parses a received message and compares its headers and body with what was sent.
func check(t *testing.T, got testutil.SMTPMessage) {
	t.Helper()
	if got.From != "gopy@xa.example.vn" || len(got.To) != 1 || got.To[0] != "kiemduyet@example.vn" {
		t.Fatalf("envelope from %q to %v", got.From, got.To)
	}
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 90 {
			t.Errorf("long line: %q", line)
		}
	}
	msg, err := netmail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Góp Ý" || from[0].Address != "gopy@xa.example.vn" {
		t.Errorf("From %q: %v %v", msg.Header.Get("From"), from, err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "kiemduyet@example.vn" {
		t.Errorf("To %q: %v %v", msg.Header.Get("To"), to, err)
	}
	raw := msg.Header.Get("Subject")
	if !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("subject not Q-encoded: %q", raw)
	}
	if s, err := new(mime.WordDecoder).DecodeHeader(raw); err != nil || s != subject {
		t.Errorf("subject decodes to %q, %v", s, err)
	}
	if d, err := msg.Header.Date(); err != nil || time.Since(d).Abs() > time.Minute {
		t.Errorf("Date %q: %v", msg.Header.Get("Date"), err)
	}
	if id := msg.Header.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@xa\.example\.vn>$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	text, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(text), "\r\n", "\n"); got != body {
		t.Errorf("body:\n%q\nwant\n%q", got, body)
	}
}

func TestSMTP(t *testing.T) {
	ctx := context.Background()

	t.Run("plain", func(t *testing.T) {
		srv := testutil.StartSMTPWith(t, testutil.SMTPOptions{Username: "gopy", Password: "mật khẩu"})
		s, err := mail.NewSMTP(srv.Addr, "Góp Ý <gopy@xa.example.vn>", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(ctx, "kiemduyet@example.vn", subject, body); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || got[0].TLS || got[0].User != "" {
			t.Fatalf("received %+v", got)
		}
		check(t, got[0])
	})

	t.Run("starttls and login", func(t *testing.T) {
		serverTLS, clientTLS := selfSigned(t)
		srv := testutil.StartSMTPWith(t, testutil.SMTPOptions{TLSConfig: serverTLS, Username: "gopy", Password: "mật khẩu"})
		s, err := mail.NewSMTP(srv.Addr, "Góp Ý <gopy@xa.example.vn>", "gopy", "mật khẩu")
		if err != nil {
			t.Fatal(err)
		}
		s.TLSConfig, s.HelloName = clientTLS, "gopy.example.vn"
		if err := s.Send(ctx, "kiemduyet@example.vn", subject, body); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || !got[0].TLS || got[0].User != "gopy" {
			t.Fatalf("received %+v", got)
		}
		check(t, got[0])

		s.Password = "sai mật khẩu"
		if err := s.Send(ctx, "kiemduyet@example.vn", subject, body); err == nil {
			t.Fatal("a wrong password was accepted")
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d messages after a failed login", n)
		}
	})

	t.Run("refuses header injection", func(t *testing.T) {
		srv := testutil.StartSMTP(t)
		s, _ := mail.NewSMTP(srv.Addr, "gopy@xa.example.vn", "", "")
		if err := s.Send(ctx, "kiemduyet@example.vn", "Chào\r\nBcc: x@example.vn", body); err == nil {
			t.Error("a subject with a line break was sent")
		}
		if err := s.Send(ctx, "kiemduyet@example.vn\r\nBcc: x@example.vn", subject, body); err == nil {
			t.Error("a recipient with a line break was sent")
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages sent", n)
		}
	})

	t.Run("a silent server times out", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			c, err := l.Accept()
			if err == nil {
				defer c.Close()
				_, _ = io.Copy(io.Discard, c) // never greets
			}
		}()
		s, _ := mail.NewSMTP(l.Addr().String(), "gopy@xa.example.vn", "", "")
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := s.Send(ctx, "kiemduyet@example.vn", subject, body); err == nil {
			t.Fatal("sent to a server that never answered")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})

	if _, err := mail.NewSMTP("smtp.example.vn", "gopy@xa.example.vn", "", ""); err == nil {
		t.Error("an address without a port was accepted")
	}
}
