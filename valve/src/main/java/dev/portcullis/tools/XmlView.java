package dev.portcullis.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.ProcessingInstruction;

import dev.portcullis.saml.SamlConstants;

/**
 * An indented rendering of a parsed message, for people to read. It is deliberately <em>not</em>
 * a serialization of the signed bytes: whitespace is added, attributes appear in the DOM's order
 * (namespace declarations first), and long base64 values in signature and encryption elements
 * are shortened unless asked otherwise. Nobody should mistake it for, or copy it in place of, the
 * message as received; the caller says so above it.
 *
 * <p>What matters for security stays visible: comments and processing instructions (the NameID
 * comment-injection trick, CVE-2017-11427) are printed where they are, and every control or bidi
 * character is written as a character reference so that it cannot act on the terminal.
 */
final class XmlView {

    private static final String XENC_NS = SamlConstants.XENC_NS;
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");
    /** Base64 values longer than this are shortened, unless {@link #full}. */
    private static final int ABBREVIATE_OVER = 100;
    /** Start tags longer than this get one attribute per line. */
    private static final int WRAP_OVER = 110;
    private static final String INDENT = "  ";

    private final boolean full;
    private final StringBuilder out = new StringBuilder();
    private boolean abbreviated;

    private XmlView(boolean full) {
        this.full = full;
    }

    /**
     * Renders a document.
     *
     * @param full keep long base64 values (certificates, signature and cipher values) whole
     */
    static Rendering render(Document document, boolean full) {
        XmlView view = new XmlView(full);
        for (Node n = document.getFirstChild(); n != null; n = n.getNextSibling()) {
            view.node(n, 0);
        }
        return new Rendering(view.out.toString(), view.abbreviated);
    }

    /**
     * @param text        the indented XML, one element per line
     * @param abbreviated whether some base64 values were shortened
     */
    record Rendering(String text, boolean abbreviated) {
    }

    private void node(Node node, int depth) {
        switch (node.getNodeType()) {
            case Node.ELEMENT_NODE -> element((Element) node, depth);
            case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
                String text = node.getNodeValue().strip();
                if (!text.isEmpty()) {
                    line(depth, node.getNodeType() == Node.CDATA_SECTION_NODE ? "<![CDATA[" + escape(text) + "]]>" : escape(text));
                }
            }
            case Node.COMMENT_NODE -> line(depth, "<!--" + escape(node.getNodeValue()) + "-->");
            case Node.PROCESSING_INSTRUCTION_NODE -> {
                ProcessingInstruction pi = (ProcessingInstruction) node;
                line(depth, "<?" + escape(pi.getTarget()) + " " + escape(pi.getData()) + "?>");
            }
            default -> {
                // Entity references cannot occur (SecureXml refuses DTDs); nothing else has content to show.
            }
        }
    }

    private void element(Element element, int depth) {
        String name = escape(element.getTagName());
        List<String> attributes = attributes(element);
        List<Node> content = content(element);
        String end;
        if (content.isEmpty()) {
            end = "/>";
        } else if (content.stream().allMatch(n -> n.getNodeType() == Node.TEXT_NODE)) {
            // Text only: one line, the text exactly as it is (only control characters escaped).
            String text = element.getTextContent();
            end = ">" + inlineText(element, text) + "</" + name + ">";
        } else {
            end = ">";
        }
        String oneLine = "<" + name + (attributes.isEmpty() ? "" : " " + String.join(" ", attributes)) + end;
        if (oneLine.length() + depth * INDENT.length() <= WRAP_OVER || attributes.size() < 2) {
            line(depth, oneLine);
        } else {
            line(depth, "<" + name);
            for (int i = 0; i < attributes.size(); i++) {
                line(depth + 2, attributes.get(i) + (i == attributes.size() - 1 ? end : ""));
            }
        }
        if (end.equals(">")) {
            for (Node child : content) {
                node(child, depth + 1);
            }
            line(depth, "</" + name + ">");
        }
    }

    /** Attributes, namespace declarations first; each {@code name="value"}, escaped. */
    private static List<String> attributes(Element element) {
        List<String> declarations = new ArrayList<>();
        List<String> others = new ArrayList<>();
        NamedNodeMap map = element.getAttributes();
        for (int i = 0; i < map.getLength(); i++) {
            Attr attribute = (Attr) map.item(i);
            String rendered = escape(attribute.getName()) + "=\"" + escape(attribute.getValue()).replace("\"", "&quot;") + "\"";
            (attribute.getName().startsWith("xmlns") ? declarations : others).add(rendered);
        }
        declarations.addAll(others);
        return declarations;
    }

    /** Children worth showing: elements, comments, PIs and text that is not only whitespace. */
    private static List<Node> content(Element element) {
        List<Node> content = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            boolean blank = (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE)
                    && n.getNodeValue().isBlank();
            if (!blank) {
                content.add(n);
            }
        }
        return content;
    }

    private String inlineText(Element element, String text) {
        String ns = element.getNamespaceURI();
        boolean binary = (SamlConstants.DSIG_NS.equals(ns) || XENC_NS.equals(ns)) && BASE64.matcher(text).matches();
        if (binary) {
            String compact = text.replaceAll("\\s+", "");
            if (!full && compact.length() > ABBREVIATE_OVER) {
                abbreviated = true;
                return compact.substring(0, 40) + "...[" + compact.length() + " characters]..."
                        + compact.substring(compact.length() - 12);
            }
            return compact;
        }
        return escape(text);
    }

    private void line(int depth, String text) {
        out.append(INDENT.repeat(depth)).append(text).append('\n');
    }

    /**
     * XML-escapes text and writes every character that could act on a terminal as a character
     * reference, line breaks and tabs included, so that each node stays on its own line.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                default -> {
                    if (Text.isUnsafe(c)) {
                        escaped.append("&#x").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)).append(';');
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
