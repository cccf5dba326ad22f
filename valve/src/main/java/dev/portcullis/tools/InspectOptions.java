package dev.portcullis.tools;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of saml-inspect, parsed. Options take their value as the next argument or after
 * {@code =}; {@code -} or no file means standard input. A URL or query string given where the file goes
 * is taken as the input itself, since that is how one is usually pasted.
 *
 * @param input        the file to read (or a pasted URL or query string), or null for standard input
 * @param serverXml    a server.xml or context file holding the valve's {@code <Valve>}, or null
 * @param contextPath  the context path of a valve in a Context, when it cannot be told from the file, or null
 * @param sets         {@code --set name=value} pairs, in order
 * @param idpMetadata  {@code --idp-metadata}: overrides the idpMetadata setting, or null
 * @param at           when the Response arrived, to validate at, or null (then a HAR's own record, or now)
 * @param inResponseTo the AuthnRequest ID the Response must answer, or null for an unsolicited one
 * @param stepUp       the sign-in was a step-up: stepUpAuthnContext is required rather than requestedAuthnContext
 * @param withoutSpKey leave the SP key settings out
 * @param xml          how to show the XML
 * @param full         keep long base64 values whole in the XML view
 * @param entity       the one entityID to describe in an aggregate, or null
 * @param help         {@code --help} was given
 */
record InspectOptions(String input, Path serverXml, String contextPath, List<Map.Entry<String, String>> sets,
                      String idpMetadata, Instant at, String inResponseTo, boolean stepUp, boolean withoutSpKey,
                      XmlMode xml, boolean full, String entity, boolean help) {

    /** How the XML is printed. */
    enum XmlMode {
        /** Re-indented for reading, clearly labelled as not the signed bytes. */
        VIEW,
        /** The decoded bytes exactly as received. */
        RAW,
        /** Not at all. */
        NONE
    }

    InspectOptions {
        sets = List.copyOf(sets);
    }

    /** Whether settings were given, so that a Response is validated. */
    boolean validates() {
        return serverXml != null || !sets.isEmpty() || idpMetadata != null;
    }

    static final String USAGE = """
            Usage: saml-inspect [options] [FILE | URL | -]

            Decodes a SAML message (Response, AuthnRequest, LogoutRequest, LogoutResponse) or SAML metadata,
            prints it, summarises it, and - given the valve's settings - validates a Response offline with
            the valve's own code, explaining every step. FILE (or standard input) may hold raw XML, the
            base64 SAMLResponse/SAMLRequest value (HTTP-POST, or raw DEFLATE for HTTP-Redirect), a whole URL
            or form string with SAMLRequest=/SAMLResponse= (and RelayState), a "copy as cURL" command or a
            HAR file; a URL or query string may also be given in place of FILE.

            Settings (giving any of these validates a Response):
              --server-xml PATH      take the attributes of the first <Valve className="dev.portcullis.SsoValve">
                                     in this server.xml or context file (${...} replaced as Tomcat does); URL
                                     metadata is the running valve's saved copy, the URL is checked beside it
              --set NAME=VALUE       set one valve attribute, as in server.xml (repeatable; wins over --server-xml)
              --idp-metadata FILE    the IdP metadata to trust (file or URL), instead of the idpMetadata setting
              --context-path PATH    context path of a valve in a Context, when the file does not tell it (/app)
              --without-sp-key       leave out the SP key settings (encrypted assertions then cannot be read)

            Validation:
              --at INSTANT           when the Response arrived (ISO-8601, 2026-11-27T11:08:49Z), from the browser's
                                     network log or Tomcat's access log; default: a HAR's startedDateTime, else now
              --in-response-to ID    the ID of the AuthnRequest the Response answers; without it the Response
                                     is validated as unsolicited (IdP-initiated), as the valve does when the
                                     RelayState names no pending sign-in
              --step-up              the sign-in was a step-up: require stepUpAuthnContext

            Output:
              --raw                  print the XML exactly as decoded instead of the reformatted view
              --no-xml               do not print the XML
              --full                 do not shorten certificates and signature values in the XML view
              --entity ENTITY_ID     describe only this entity of a metadata aggregate
              -h, --help             this text

            Exit status: 0 valid (or, without settings or for other kinds, decoded and described);
                         1 invalid, refused, or not a readable SAML message; 2 usage or configuration error.

            Examples:
              # A Response copied from the browser's developer tools, checked against the live configuration:
              saml-inspect --server-xml $CATALINA_BASE/conf/server.xml --in-response-to _a98ec03357cd0f72 response.b64

              # A golden capture, checked as of the moment it arrived, with its own IdP metadata:
              d=valve/src/test/resources/golden/keycloak-default
              saml-inspect --set externalBaseUrl=http://localhost:8080 --idp-metadata $d/idp-metadata.xml \\
                  --at 2026-11-27T11:08:49.958Z --in-response-to _a98ec03357cd0f72bbe27f375d0fe61d $d/response.b64

              # The AuthnRequest in a redirect URL, and an IdP's metadata:
              saml-inspect 'https://idp.example.com/sso?SAMLRequest=fZJNT...&RelayState=...'
              curl -s https://idp.example.com/metadata | saml-inspect --no-xml
            """;

    /** Parses the arguments; {@link UsageException} names the first problem. */
    static InspectOptions parse(String[] args) throws UsageException {
        String input = null;
        boolean inputGiven = false;
        Path serverXml = null;
        String contextPath = null;
        List<Map.Entry<String, String>> sets = new ArrayList<>();
        String idpMetadata = null;
        Instant at = null;
        String inResponseTo = null;
        boolean stepUp = false;
        boolean withoutSpKey = false;
        XmlMode xml = XmlMode.VIEW;
        boolean full = false;
        String entity = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String option = arg;
            String inline = null;
            if (arg.startsWith("--") && arg.indexOf('=') > 0) {
                option = arg.substring(0, arg.indexOf('='));
                inline = arg.substring(arg.indexOf('=') + 1);
            }
            switch (option) {
                case "-h", "--help" -> help = true;
                case "--raw" -> xml = XmlMode.RAW;
                case "--no-xml" -> xml = XmlMode.NONE;
                case "--full" -> full = true;
                case "--step-up" -> stepUp = true;
                case "--without-sp-key" -> withoutSpKey = true;
                case "--server-xml", "--set", "--idp-metadata", "--context-path", "--at", "--in-response-to", "--entity" -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(option + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (option) {
                        case "--server-xml" -> serverXml = Path.of(value);
                        case "--set" -> sets.add(setting(value));
                        case "--idp-metadata" -> idpMetadata = nonEmpty(option, value);
                        case "--context-path" -> contextPath = contextPath(value);
                        case "--at" -> at = instant(value);
                        case "--in-response-to" -> inResponseTo = nonEmpty(option, value);
                        default -> entity = nonEmpty(option, value);
                    }
                }
                default -> {
                    if (arg.startsWith("-") && !arg.equals("-")) {
                        throw new UsageException("unknown option " + arg);
                    }
                    if (inputGiven) {
                        throw new UsageException("more than one input file (" + (input == null ? "-" : input) + " and " + arg
                                + "); inspect one message at a time");
                    }
                    inputGiven = true;
                    input = arg.equals("-") ? null : arg;
                }
            }
        }
        InspectOptions options = new InspectOptions(input, serverXml, contextPath, sets, idpMetadata, at, inResponseTo,
                stepUp, withoutSpKey, xml, full, entity, help);
        if (!help && inResponseTo != null && !options.validates()) {
            throw new UsageException("--in-response-to is for validation, which needs the valve's settings: add --server-xml"
                    + " PATH, or --set externalBaseUrl=... with --idp-metadata FILE");
        }
        return options;
    }

    private static Map.Entry<String, String> setting(String value) throws UsageException {
        int equals = value.indexOf('=');
        if (equals <= 0) {
            throw new UsageException("--set needs NAME=VALUE, such as --set wantAssertionsSigned=false (got '" + value + "')");
        }
        return Map.entry(value.substring(0, equals).trim(), value.substring(equals + 1));
    }

    private static String contextPath(String value) throws UsageException {
        if (value.equals("/") || value.isEmpty()) {
            return "";
        }
        if (!value.startsWith("/") || value.endsWith("/")) {
            throw new UsageException("--context-path must look like /app (or / for the root context), not '" + value + "'");
        }
        return value;
    }

    private static String nonEmpty(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return value.strip();
    }

    /** An ISO-8601 instant, with Z or an offset. */
    static Instant instant(String value) throws UsageException {
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeParseException again) {
                throw new UsageException("--at '" + value + "' is not an ISO-8601 instant with a zone, such as"
                        + " 2026-11-27T11:08:49Z or 2026-11-27T12:08:49+01:00");
            }
        }
    }
}
