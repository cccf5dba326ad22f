package dev.portcullis.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code identityHeaders} setting, parsed: which request header carries which part of the
 * identity. Only the configuration; {@link dev.portcullis.web.IdentityHeaders} strips and sets the
 * headers. Immutable.
 *
 * @param headers in the order configured
 */
public record IdentityHeaderMapping(List<Header> headers) {

    /** The sources a header can carry besides {@code attribute:NAME}. */
    public static final List<String> SOURCES = List.of("principal", "nameId", "roles", "authnContext");
    /** Prefix of the source that carries a SAML attribute's values. */
    public static final String ATTRIBUTE = "attribute:";

    /**
     * One header.
     *
     * @param name   the header name as configured
     * @param source {@code principal}, {@code nameId}, {@code roles}, {@code authnContext} or {@code attribute:NAME}
     */
    public record Header(String name, String source) {
    }

    public IdentityHeaderMapping {
        headers = List.copyOf(headers);
    }

    /**
     * Parses {@code Header-Name=source} pairs, comma separated.
     *
     * @throws ConfigurationException naming {@code setting}
     */
    public static IdentityHeaderMapping parse(String setting, String text) {
        List<Header> headers = new ArrayList<>();
        if (text != null) {
            for (String pair : text.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = equals < 0 ? "" : pair.substring(0, equals).trim();
                String source = equals < 0 ? "" : pair.substring(equals + 1).trim();
                if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    throw new ConfigurationException(setting, "'" + pair.trim() + "' has no valid header name; write"
                            + " Header-Name=source.");
                }
                if (!(SOURCES.contains(source) || (source.startsWith(ATTRIBUTE) && source.length() > ATTRIBUTE.length()))) {
                    throw new ConfigurationException(setting, "'" + source + "' is not a header source; use principal,"
                            + " nameId, roles, authnContext or attribute:NAME.");
                }
                headers.add(new Header(name, source));
            }
        }
        return new IdentityHeaderMapping(headers);
    }
}
