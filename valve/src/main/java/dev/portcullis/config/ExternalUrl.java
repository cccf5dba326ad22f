package dev.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The origin under which browsers reach Tomcat ({@code https://apps.example.com}), as opposed to what
 * a request says about itself. Every URL Portcullis publishes (ACS, metadata, redirects after login)
 * is built from it, so a TLS-terminating proxy or a forged {@code Host} header cannot change them.
 */
public final class ExternalUrl {

    private final String origin;
    private final boolean secure;
    private final String host;

    private ExternalUrl(String origin, boolean secure, String host) {
        this.origin = origin;
        this.secure = secure;
        this.host = host;
    }

    public static ExternalUrl parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigurationException(setting, "is required: the URL browsers use to reach this Tomcat,"
                    + " such as https://apps.example.com.");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new ConfigurationException(setting, "'" + text + "' is not a URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new ConfigurationException(setting, "'" + text + "' must start with https:// (or http:// for a test setup).");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new ConfigurationException(setting, "'" + text + "' must be scheme://host[:port] with no user, query or fragment.");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.isEmpty() && !path.equals("/")) {
            throw new ConfigurationException(setting, "'" + text + "' must not have a path; Portcullis adds the context"
                    + " path itself (a proxy that maps a path prefix must preserve it).");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        String origin = scheme + "://" + host + (defaultPort ? "" : ":" + port);
        return new ExternalUrl(origin, scheme.equals("https"), host);
    }

    /** {@code scheme://host[:port]}, no trailing slash. */
    public String origin() {
        return origin;
    }

    /** Whether browsers use https, so cookies must be {@code Secure}. */
    public boolean secure() {
        return secure;
    }

    public String host() {
        return host;
    }

    /** The absolute URL of a path that starts with {@code /}. */
    public String resolve(String path) {
        return origin + path;
    }

    @Override
    public String toString() {
        return origin;
    }
}
