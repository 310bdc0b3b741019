package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// BenchmarkSummary measures what one view of a consultation's results costs with 1,000,
// 10,000 and 100,000 approved opinions, on every database of testutil.Dialects (PostgreSQL
// only with TEST_DATABASE_URL set):
//
//   - page: the public consultation page through the real HTTP stack (GET /c/{id}), with
//     its summary, latest opinions, moderation figures, charts and themes;
//   - api: GET /api/v1/consultations/{id}/summary;
//   - themes: App.Themes as the page calls it, again and again on the same App;
//   - themes-cold: App.Themes on a new App each time, so nothing computed earlier helps: the
//     first view of the consultation since the App started;
//   - perday: App.OpinionsPerDay, the day chart's numbers;
//   - themes-after-change: App.Themes on the same App just after an opinion was approved
//     (submitting and approving it is not timed, nor the background recomputation the view
//     starts, which each iteration waits for before the next change).
//
// Each size is seeded once (testutil.SeedLargeConsultation, a few seconds for 100,000 rows)
// before its sub-benchmarks, outside their timed loops. Run it with `make bench-summary`;
// docs/benchmarks.md has the figures.
func BenchmarkSummary(b *testing.B) {
	for _, d := range testutil.Dialects(b) {
		for _, n := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
				st := testutil.NewStore(b, d)
				env := testutil.StartServer(b, st)
				large := env.SeedLargeConsultation(b, st, n)
				// The server shares env.App: its clock is set before any request, never during.
				env.App.Now = func() time.Time { return large.Now }
				ctx := context.Background()
				c, err := env.App.Consultation(ctx, nil, large.C.ID)
				if err != nil {
					b.Fatal(err)
				}
				client := &http.Client{}
				page := fmt.Sprintf("%s/c/%d", env.URL, c.ID)
				api := fmt.Sprintf("%s/api/v1/consultations/%d/summary", env.URL, c.ID)

				// The data is what the benchmark claims: every approved opinion counted, on
				// every day, with themes; checked once, untimed.
				var sum struct{ Total int }
				if err := json.Unmarshal([]byte(get(b, client, api)), &sum); err != nil || sum.Total != n {
					b.Fatalf("summary total %d (%v), want %d", sum.Total, err, n)
				}
				// Past the size a view computes themes for itself, the first view starts their
				// computation in the background; the benchmark measures the views after it.
				get(b, client, page)
				env.App.WaitForBackground()
				if body := get(b, client, page); !strings.Contains(body, "?theme=") || !strings.Contains(body, `id="chart-days"`) {
					b.Fatal("the page shows no themes or no day chart")
				}
				days, err := env.App.OpinionsPerDay(ctx, c)
				if err != nil {
					b.Fatal(err)
				}
				perDay := 0
				for _, d := range days {
					perDay += d.N
				}
				if perDay != n {
					b.Fatalf("%d opinions over the days, want %d", perDay, n)
				}

				b.Run("page", func(b *testing.B) {
					for b.Loop() {
						get(b, client, page)
					}
				})
				b.Run("api", func(b *testing.B) {
					for b.Loop() {
						get(b, client, api)
					}
				})
				b.Run("themes", func(b *testing.B) {
					for b.Loop() {
						if _, err := env.App.Themes(ctx, c, 10); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("themes-cold", func(b *testing.B) {
					for b.Loop() {
						// The first computation, in the view or in the background.
						cold := app.New(st)
						if _, err := cold.Themes(ctx, c, 10); err != nil {
							b.Fatal(err)
						}
						cold.WaitForBackground()
					}
				})
				b.Run("perday", func(b *testing.B) {
					for b.Loop() {
						if _, err := env.App.OpinionsPerDay(ctx, c); err != nil {
							b.Fatal(err)
						}
					}
				})
				// Last, as it adds approved opinions the sub-benchmarks above do not expect.
				b.Run("themes-after-change", func(b *testing.B) {
					i := 0
					for b.Loop() {
						b.StopTimer()
						i++
						r, err := env.App.SubmitOpinion(ctx, c.ID,
							app.NewOpinion{Stance: "other", Body: fmt.Sprintf("Đề nghị lắp thêm đèn đường ở ngõ %d.", i)}, "")
						if err != nil {
							b.Fatal(err)
						}
						if _, err := env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						if _, err := env.App.Themes(ctx, c, 10); err != nil {
							b.Fatal(err)
						}
						b.StopTimer()
						env.App.WaitForBackground()
						b.StartTimer()
					}
				})
			})
		}
	}
}

// get fetches a URL that must answer 200 and returns its body.
func get(b *testing.B, client *http.Client, url string) string {
	b.Helper()
	res, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d\n%.500s", url, res.StatusCode, body)
	}
	return string(body)
}
