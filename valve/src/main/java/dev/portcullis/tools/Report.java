package dev.portcullis.tools;

import java.io.PrintStream;

/**
 * The report saml-inspect prints: sections, aligned fields, notes. Every field value goes through
 * {@link Text#safe} here, so no caller can forget to neutralise a value taken from a message.
 */
final class Report {

    private static final int LABEL_WIDTH = 24;

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    /** A blank line, then {@code == title ==}. */
    void section(String title) {
        out.println();
        out.println("== " + title + " ==");
    }

    /** A line of the tool's own words (callers make any message value in it safe first). */
    void line(String text) {
        out.println(text);
    }

    /** {@code label   value} at an indentation level; the value is made safe. An empty value heads a group. */
    void field(int level, String label, String value) {
        String indent = "  ".repeat(level);
        if (value != null && value.isEmpty()) {
            out.println(indent + label);
            return;
        }
        int width = Math.max(LABEL_WIDTH - indent.length(), label.length() + 1);
        out.println(indent + pad(label, width) + " " + Text.safe(value));
    }

    /** {@link #field}, left out when the value is null (for attributes a message may omit). */
    void optional(int level, String label, String value) {
        if (value != null) {
            field(level, label, value);
        }
    }

    /** A line at an indentation level, text already made safe by the caller. */
    void indented(int level, String text) {
        out.println("  ".repeat(level) + text);
    }

    /** A warning line, marked so that it stands out in a long report. */
    void warning(int level, String text) {
        out.println("  ".repeat(level) + "! " + text);
    }

    /** Raw text such as the XML view, printed as it is. */
    void raw(String text) {
        out.print(text);
        if (!text.endsWith("\n")) {
            out.println();
        }
    }

    private static String pad(String label, int width) {
        return label.length() >= width ? label : label + " ".repeat(width - label.length());
    }
}
