package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/docx"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// The consolidated report and a village's decision record download as Word documents with
// the heading block of an administrative document and room to sign; they are valid OOXML
// packages that hold the Vietnamese text, and LibreOffice opens them (converted to PDF, and
// to text to see that the Vietnamese survived).
func TestWordDocumentsToSign(t *testing.T) {
	type download struct {
		name string
		body []byte
		want []string
	}
	var all []download
	// In order, so that every database's documents are there for the one conversion below.
	testutil.EachDBInOrder(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServer(t, st)
		rc := buildReportCase(t, env)
		hh := closedDecideMatter(t, env, "Hương ước thôn Một sửa đổi", "huong_uoc", 0)
		a1 := villageIDs(t, st)["A1"]
		recordMeeting(t, env, hh.ID, a1, 100, 80)
		b := env.NewBrowser(t)
		b.Login(env.OfficialA.Email)

		report := fmt.Sprintf("/staff/consultations/%d/report", rc.c.ID)
		record := fmt.Sprintf("/staff/consultations/%d/villages/%d/record", hh.ID, a1)
		// Linked where the other downloads and the printed record are.
		mustContain(t, b.Get(report).Body, `href="`+report+`.docx"`)
		mustContain(t, b.Get(fmt.Sprintf("/staff/consultations/%d/villages", hh.ID)).Body, `href="`+record+`.docx"`)
		mustContain(t, b.Get(record).Body, `href="`+record+`.docx"`)

		today := time.Now().In(time.FixedZone("ICT", 7*3600))
		day := fmt.Sprintf("%02d", today.Day())
		heading := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
		docs := []download{
			{"bao-cao.docx", nil, append(heading, "TỈNH THỬ", "XÃ AN BÌNH", "Xã An Bình, ngày "+day,
				"BÁO CÁO TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN", rc.c.Title, "Điều 5. Việc cưới", wedding2Days,
				groupAnswer, decisionReason, "NGƯỜI LẬP BÁO CÁO", "(Ký, ghi rõ họ tên, đóng dấu)")},
			{"bien-ban.docx", nil, append(heading, "XÃ AN BÌNH", "THÔN MỘT", "Xã An Bình, ngày "+day,
				"BIÊN BẢN", "Hương ước thôn Một sửa đổi", "NỘI DUNG ĐƯỢC THÔNG QUA", "TRƯỞNG THÔN, TỔ TRƯỞNG TỔ DÂN PHỐ")},
		}
		for i, path := range []string{report + ".docx", record + ".docx"} {
			res := b.Get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: status %d", path, res.Status)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.HasSuffix(strings.TrimSuffix(cd, `"`), ".docx") {
				t.Errorf("%s: Content-Disposition %q", path, cd)
			}
			docs[i].body = []byte(res.Body)
			text := checkOOXML(t, path, docs[i].body)
			for _, w := range docs[i].want {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}
		for _, secret := range rc.secrets {
			if bytes.Contains(docs[0].body, []byte(secret)) || strings.Contains(checkOOXML(t, "report", docs[0].body), secret) {
				t.Errorf("the report holds %q", secret)
			}
		}
		// Staff who do not oversee the unit get none.
		other := env.NewBrowser(t)
		other.Login(env.OfficialB.Email)
		if res := other.Get(report + ".docx"); res.Status != http.StatusForbidden {
			t.Errorf("official of commune B: status %d", res.Status)
		}
		for i := range docs {
			docs[i].name = string(st.Dialect()) + "-" + docs[i].name
		}
		all = append(all, docs...)
	})
	if t.Failed() {
		return
	}
	if len(all) == 0 {
		t.Fatal("no document to convert")
	}

	// One LibreOffice run per format for every document: it takes seconds to start.
	soffice := sofficeOrSkip(t)
	dir := t.TempDir()
	var names []string
	for _, d := range all {
		if err := os.WriteFile(filepath.Join(dir, d.name), d.body, 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, d.name)
	}
	convert(t, soffice, dir, "pdf", names)
	convert(t, soffice, dir, "txt:Text (encoded):UTF8", names)
	for _, d := range all {
		base := strings.TrimSuffix(d.name, ".docx")
		pdf, err := os.ReadFile(filepath.Join(dir, base+".pdf"))
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 1000 {
			t.Errorf("%s: no PDF from LibreOffice (%v, %d bytes)", d.name, err, len(pdf))
		}
		txt, err := os.ReadFile(filepath.Join(dir, base+".txt"))
		if err != nil {
			t.Errorf("%s: no text from LibreOffice: %v", d.name, err)
			continue
		}
		for _, w := range d.want {
			if !strings.Contains(string(txt), w) {
				t.Errorf("%s: LibreOffice's text lacks %q", d.name, w)
			}
		}
	}
}

// checkOOXML checks that body is a Word package (its content types, relationships and a
// well-formed main part) and returns its text as the portal's own reader sees it.
func checkOOXML(t *testing.T, name string, body []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("%s: not a zip: %v", name, err)
	}
	parts := map[string]bool{}
	for _, f := range zr.File {
		parts[f.Name] = true
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(rc)
		for {
			if _, err := d.Token(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("%s: %s is not well-formed: %v", name, f.Name, err)
				}
				break
			}
		}
		rc.Close()
	}
	for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"} {
		if !parts[p] {
			t.Errorf("%s: no part %s", name, p)
		}
	}
	text, err := docx.Text(body)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return text
}

// sofficeOrSkip finds LibreOffice. In CI a missing one fails the test, since the test would
// otherwise prove nothing there; elsewhere it is skipped with a note.
func sofficeOrSkip(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui")
	}
	t.Skip("LibreOffice (soffice) is not installed: the documents are not converted (apt-get install libreoffice-writer-nogui)")
	return ""
}

// convert runs LibreOffice headless on the files in dir, with a profile of its own so that
// it neither touches nor waits for a user's running LibreOffice.
func convert(t *testing.T, soffice, dir, to string, names []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", to, "--outdir", dir}, names...)
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	// soffice starts soffice.bin, which may outlive it holding the output pipe: on timeout
	// the whole process group is killed, and the wait for the pipe is bounded.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to %s: %v\n%s", to, err, out)
	}
}
