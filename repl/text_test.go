package repl

import "testing"

func TestHTMLText(t *testing.T) {
	cases := []struct{ html, want string }{
		{"<b>bold</b> &amp; <i>more</i>", "bold & more"},
		{"<p>one</p><p>two</p>", "one\ntwo"},
		{"<ul><li>a</li><li>b</li></ul>", "  • a\n  • b"},
		{"<h1>Title</h1>text<br>next", "Title\ntext\nnext"},
		{"<table><thead><tr><th>name</th><th>acc</th></tr></thead><tbody><tr><td>SimCLR</td><td>0.837</td></tr><tr><td>kNN</td><td>0.8</td></tr></tbody></table>",
			"name    acc\nSimCLR  0.837\nkNN     0.8"},
		{"<pre>a  b\n  c</pre>", "a  b\n  c"},
		{"<style>p{}</style><script>x()</script>shown<!-- hidden -->", "shown"},
		{"<div class=\"contrast-progress\">epoch 1 <progress value=\"3\" max=\"10\"></progress> 3/10</div>", "epoch 1 3/10"},
		{"a   \n\n  b", "a b"},
	}
	for _, c := range cases {
		if got := htmlText(c.html); got != c.want {
			t.Errorf("htmlText(%q)\n got %q\nwant %q", c.html, got, c.want)
		}
	}
}

func TestTruncateWidth(t *testing.T) {
	if got := truncateWidth("ab█cd", 3); got != "ab█" {
		t.Errorf("got %q", got)
	}
	if got := truncateWidth("abc", 0); got != "abc" {
		t.Errorf("width 0 means unknown: got %q", got)
	}
}
