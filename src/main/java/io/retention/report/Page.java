package io.retention.report;

/**
 * A tiny HTML builder: {@link #text} escapes every character that matters in HTML text and attribute values
 * ({@code & < > " '}); {@link #raw} is for the page's own markup only, never for data.
 */
final class Page {
  static final String CSS = """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;
      max-width:960px;padding:16px 24px;color:#222;background:#fff}
      header h1{margin:0 0 4px}header p,.meta{color:#555;margin:0 0 12px}
      .cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin:16px 0}
      .card{border:1px solid #ddd;border-radius:8px;padding:10px 12px;background:#f8fafc}
      .card .label{font-size:12px;color:#555;text-transform:uppercase;letter-spacing:.04em}
      .card .value{font-size:24px;font-weight:600;margin:4px 0}.card .note{font-size:12px;color:#666}
      h2{border-bottom:2px solid #08306b;padding-bottom:4px;margin-top:32px}
      figure{margin:16px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
      figcaption{font-size:14px;color:#333;margin-top:4px}
      table{border-collapse:collapse;font-size:13px;margin:8px 0;width:100%}
      th,td{border-bottom:1px solid #e5e5e5;padding:4px 8px;text-align:left}th{background:#f3f4f6}
      .missing{color:#8a5a00;background:#fff8e6;border:1px solid #f0d9a8;border-radius:6px;padding:8px 12px}
      footer{margin-top:32px;font-size:12px;color:#777}
      """;

  private final StringBuilder sb = new StringBuilder();
  /** Appended to every command line the page suggests, e.g. {@code " --warehouse /data/wh"}; "" for none. */
  private final String commandOptions;

  Page() {
    this("");
  }

  Page(String commandOptions) {
    this.commandOptions = commandOptions;
  }

  /** HTML-escapes {@code s} for text and quoted attribute values; null is an empty string. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  Page raw(String markup) {
    sb.append(markup);
    return this;
  }

  Page text(String s) {
    sb.append(escape(s));
    return this;
  }

  Page h2(String title) {
    return raw("<h2>").text(title).raw("</h2>");
  }

  Page card(String label, String value, String note) {
    return raw("<div class=\"card\"><div class=\"label\">").text(label).raw("</div><div class=\"value\">")
        .text(value).raw("</div><div class=\"note\">").text(note).raw("</div></div>");
  }

  Page figure(Charts.Image img, String alt, String reading) {
    return raw("<figure><img src=\"").text(img.file()).raw("\" alt=\"").text(alt).raw("\" width=\"")
        .raw(String.valueOf(img.width())).raw("\" height=\"").raw(String.valueOf(img.height()))
        .raw("\"><figcaption>").text(reading).raw("</figcaption></figure>");
  }

  /**
   * A section whose table is missing, with the commands that fill it: alternatives, each a command (or commands
   * joined by {@code &&}) after the launcher, e.g. {@code "nightly", "metrics"}; every command gets the report's
   * own data options so the line can be pasted as it is. Says so when the nightly does not run any of them.
   */
  Page missing(String table, String... alternatives) {
    StringBuilder how = new StringBuilder();
    boolean nightly = false;
    for (int i = 0; i < alternatives.length; i++) {
      StringBuilder line = new StringBuilder();
      for (String command : alternatives[i].split(" && ")) {
        line.append(line.length() == 0 ? "" : " && ").append(HtmlReport.LAUNCHER).append(' ').append(command)
            .append(commandOptions);
        nightly |= command.startsWith("nightly");
      }
      how.append(i == 0 ? "" : ", or ").append('`').append(line).append('`');
    }
    return raw("<p class=\"missing\">").text("Not computed yet: " + table + " does not exist. Run " + how
        + " to fill this section" + (nightly ? "." : " (the nightly does not run it).")).raw("</p>");
  }

  Page row(String... cells) {
    raw("<tr>");
    for (String c : cells) {
      raw("<td>").text(c).raw("</td>");
    }
    return raw("</tr>");
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
