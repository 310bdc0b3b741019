package config

import (
	"strings"
	"testing"
)

func TestMailSettings(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		err  string // part of the expected error; empty: valid
		want Mail
	}{
		{name: "off by default", want: Mail{DigestHour: 7}},
		{name: "complete", env: map[string]string{
			"SMTP_ADDR": "smtp.example.vn:587", "SMTP_FROM": "Góp Ý <gopy@xa.example.vn>",
			"SMTP_USERNAME": "gopy", "SMTP_PASSWORD": " bí mật ", "DIGEST_HOUR": "0",
		}, want: Mail{Addr: "smtp.example.vn:587", From: "Góp Ý <gopy@xa.example.vn>", Username: "gopy", Password: " bí mật ", DigestHour: 0}},
		{name: "no sender", env: map[string]string{"SMTP_ADDR": "smtp.example.vn:587"}, err: "SMTP_FROM is required"},
		{name: "bad sender", env: map[string]string{"SMTP_ADDR": "smtp.example.vn:587", "SMTP_FROM": "gopy"}, err: "SMTP_FROM"},
		{name: "no port", env: map[string]string{"SMTP_ADDR": "smtp.example.vn", "SMTP_FROM": "gopy@xa.example.vn"}, err: "SMTP_ADDR"},
		{name: "bad hour", env: map[string]string{"DIGEST_HOUR": "24"}, err: "DIGEST_HOUR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []string{"SMTP_ADDR", "SMTP_FROM", "SMTP_USERNAME", "SMTP_PASSWORD", "DIGEST_HOUR"} {
				t.Setenv(k, c.env[k])
			}
			cfg, err := Load()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one about %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Mail != c.want || cfg.Mail.Enabled() != (c.want.Addr != "") {
				t.Fatalf("got %+v, want %+v", cfg.Mail, c.want)
			}
		})
	}
}
