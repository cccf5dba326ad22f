package dev.portcullis.tools;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.saml.MessageEnvelope;
import dev.portcullis.saml.RedirectDecoder;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;

/**
 * Works out what an operator pasted or saved, and turns it into the message's XML bytes. Tried in
 * this order:
 * <ol>
 *   <li>raw XML (starts with {@code <});</li>
 *   <li>text carrying a {@code SAMLResponse=} or {@code SAMLRequest=} parameter: a whole URL, a
 *       query string, a form body, or a browser's "copy as cURL"; also a HAR file's
 *       {@code "name": "SAMLResponse", "value": ...} pair. {@code RelayState}, {@code SigAlg} and
 *       {@code Signature} are picked up too;</li>
 *   <li>a bare base64 value.</li>
 * </ol>
 * A base64 value is decoded by the valve's own {@link MessageEnvelope#decodePost} (strict base64,
 * the valve's size limit), so that the tool reads exactly what the ACS would: it is the XML itself
 * when {@link MessageEnvelope#looksLikeXml} says so (a UTF-8 byte-order mark and whitespace may come
 * first, as the valve's parser allows; the HTTP-POST binding); otherwise it must be raw DEFLATE (the
 * HTTP-Redirect binding), inflated by the valve's own {@link RedirectDecoder}, which refuses deflate
 * bombs. Nothing is parsed as XML here.
 */
final class InputDecoder {

    /** The largest input read at all; the valve's own size limit is applied later, by its own step. */
    static final int MAX_INPUT = 64 * 1024 * 1024;

    private static final Pattern PARAMETER = Pattern.compile(
            "(?:^|[?&\\s'\"$])(SAMLResponse|SAMLRequest|RelayState|SigAlg|Signature)=([^&\\s'\"#]*)");
    private static final Pattern HAR_PARAMETER = Pattern.compile(
            "\"name\"\\s*:\\s*\"(SAMLResponse|SAMLRequest|RelayState|SigAlg|Signature)\"\\s*,\\s*\"value\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s_-]+");
    /** A HAR entry's start time, which comes before its request: when the browser sent it. */
    private static final Pattern HAR_STARTED = Pattern.compile("\"startedDateTime\"\\s*:\\s*\"([^\"]+)\"");

    private static final String NOT_RECOGNISED = "the input is neither XML, nor base64, nor a URL or form with"
            + " SAMLResponse= or SAMLRequest=";

    private final RedirectDecoder redirectDecoder;
    private final int maxSize;

    /** @param maxSize largest decoded or inflated message (the valve's maxResponseSize) */
    InputDecoder(int maxSize) {
        this.redirectDecoder = new RedirectDecoder(maxSize);
        this.maxSize = maxSize;
    }

    /**
     * What the input turned out to be.
     *
     * @param form         how it was recognised, in words
     * @param xml          the message's XML bytes, exactly as carried
     * @param binding      the SAML binding it came in, or null for raw XML
     * @param postField    the base64 form field the ACS would receive for these bytes: the value as given
     *                     for the HTTP-POST binding, else the XML bytes encoded here
     * @param parameters   the binding parameters found (RelayState, SigAlg, Signature ...), as given
     * @param notes        remarks on how it was read
     * @param sent         when the browser sent it, if the input says (a HAR entry's startedDateTime), else null
     */
    record Decoded(String form, byte[] xml, String binding, String postField, Map<String, String> parameters,
                   List<String> notes, java.time.Instant sent) {
    }

    /** The input could not be turned into XML bytes. */
    static final class UnreadableInput extends Exception {
        private static final long serialVersionUID = 1L;
        private final SamlValidationException refusal;

        UnreadableInput(String message, SamlValidationException refusal) {
            super(message);
            this.refusal = refusal;
        }

        /** The valve's refusal (such as a deflate bomb's {@code response_too_large}), or null. */
        SamlValidationException refusal() {
            return refusal;
        }
    }

    Decoded decode(byte[] input) throws UnreadableInput {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new UnreadableInput("the input is empty", null);
        }
        if (trimmed.contains("PRIVATE KEY-----")) {
            // Never echo a key, not even in part: an operator may have picked the wrong file.
            throw new UnreadableInput("the input looks like a PEM private key, not a SAML message; saml-inspect never"
                    + " prints keys", null);
        }
        if (trimmed.startsWith("<")) {
            byte[] xml = stripOuterWhitespace(input);
            return new Decoded("raw XML", xml, null, Base64.getEncoder().encodeToString(xml), Map.of(), List.of(), null);
        }
        Map<String, String> parameters = parameters(trimmed);
        if (parameters.containsKey(SamlConstants.SAML_RESPONSE) || parameters.containsKey(SamlConstants.SAML_REQUEST)) {
            return fromParameters(trimmed, parameters);
        }
        String compact = trimmed.replaceAll("\\s+", "");
        if (BASE64.matcher(trimmed).matches()) {
            return fromBase64(compact, null, Map.of(), new ArrayList<>(), null);
        }
        throw new UnreadableInput(NOT_RECOGNISED, null);
    }

    private Decoded fromParameters(String text, Map<String, String> raw) throws UnreadableInput {
        List<String> notes = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            parameters.put(entry.getKey(), urlDecode(entry.getValue()));
        }
        String name = parameters.containsKey(SamlConstants.SAML_RESPONSE) ? SamlConstants.SAML_RESPONSE : SamlConstants.SAML_REQUEST;
        String value = parameters.remove(name);
        if (value.indexOf(' ') >= 0) {
            // A '+' that was pasted without URL encoding reads as a space; base64 has no spaces.
            value = value.replace(' ', '+');
            notes.add("spaces in the " + name + " value were read as '+' (the value was not URL-encoded)");
        }
        String where = text.regionMatches(true, 0, "curl ", 0, 5) ? "a curl command"
                : text.startsWith("{") ? "a HAR file"
                : text.toLowerCase(Locale.ROOT).matches("^https?://.*") ? "a URL"
                : "a query or form string";
        java.time.Instant sent = text.startsWith("{") ? harStarted(text, name) : null;
        if (sent != null) {
            notes.add("the HAR entry carrying it was sent at " + sent + " (its startedDateTime)");
        }
        return fromBase64(value, where + " with " + name + "=", parameters, notes, sent);
    }

    private static String form(String where, String what) {
        return where == null ? what : where + ": " + what;
    }

    /** @param where how the value was found, or null for a bare base64 input */
    private Decoded fromBase64(String value, String where, Map<String, String> parameters, List<String> notes,
                               java.time.Instant sent) throws UnreadableInput {
        byte[] decoded;
        try {
            // The ACS's own decoding, so that the tool refuses and accepts exactly what the valve does.
            decoded = MessageEnvelope.decodePost(value, SamlConstants.SAML_RESPONSE, maxSize);
        } catch (SamlValidationException e) {
            boolean urlSafe = value.indexOf('-') >= 0 || value.indexOf('_') >= 0;
            throw new UnreadableInput(form(where, e.code() == SamlErrorCode.RESPONSE_TOO_LARGE
                    ? "larger than the valve's maxResponseSize"
                    : urlSafe ? "not base64 as the valve decodes it (strict: A-Z a-z 0-9 + / = and line breaks only;"
                    + " this looks like URL-safe base64)"
                    : where == null ? NOT_RECOGNISED : "the value is not base64"), e);
        }
        if (MessageEnvelope.looksLikeXml(decoded)) {
            return new Decoded(form(where, "base64 of XML (HTTP-POST binding)"), decoded, SamlConstants.POST_BINDING, value,
                    parameters, notes, sent);
        }
        byte[] inflated;
        try {
            inflated = redirectDecoder.decode(value);
        } catch (SamlValidationException e) {
            throw new UnreadableInput(form(where, "base64, but neither XML nor raw DEFLATE the valve would inflate"), e);
        }
        notes.add("inflated by the valve's RedirectDecoder (bounded, so a deflate bomb is refused)");
        return new Decoded(form(where, "base64 of raw DEFLATE (HTTP-Redirect binding)"), inflated, SamlConstants.REDIRECT_BINDING,
                Base64.getEncoder().encodeToString(inflated), parameters, notes, sent);
    }

    /** The startedDateTime of the HAR entry holding the message: the last one before it in the file, or null. */
    private static java.time.Instant harStarted(String text, String name) {
        int at = text.indexOf("\"" + name + "\"");
        if (at < 0) {
            return null;
        }
        Matcher matcher = HAR_STARTED.matcher(text);
        String last = null;
        while (matcher.find() && matcher.start() < at) {
            last = matcher.group(1);
        }
        if (last == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(last).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Binding parameters by name, first occurrence each, still URL-encoded. */
    private static Map<String, String> parameters(String text) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher matcher = PARAMETER.matcher(text);
        while (matcher.find()) {
            found.putIfAbsent(matcher.group(1), matcher.group(2));
        }
        if (!found.containsKey(SamlConstants.SAML_RESPONSE) && !found.containsKey(SamlConstants.SAML_REQUEST)) {
            Matcher har = HAR_PARAMETER.matcher(text);
            while (har.find()) {
                found.putIfAbsent(har.group(1), har.group(2).replace("\\/", "/"));
            }
        }
        return found;
    }

    private static String urlDecode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static byte[] stripOuterWhitespace(byte[] input) {
        int start = 0;
        int end = input.length;
        if (end >= 3 && (input[0] & 0xff) == 0xEF && (input[1] & 0xff) == 0xBB && (input[2] & 0xff) == 0xBF) {
            start = 3;
        }
        while (start < end && Character.isWhitespace(input[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(input[end - 1])) {
            end--;
        }
        return java.util.Arrays.copyOfRange(input, start, end);
    }
}
