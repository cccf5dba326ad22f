package dev.portcullis.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.tomcat.util.http.MimeHeaders;

import dev.portcullis.config.IdentityHeaderMapping;
import dev.portcullis.session.SsoSession;

/**
 * Identity as request headers, for webapps that read the user from a header ({@code REMOTE_USER}
 * style) rather than from the servlet API. Every incoming header whose name matches a configured one
 * is removed from every request before the webapp sees it — authenticated or not, protected path or
 * excluded — so a client can never forge one; names are compared ignoring case and treating
 * {@code _} as {@code -}, since some proxies and frameworks equate the two. On an authenticated
 * request the headers are then set from the session; values lose control characters, so an IdP
 * attribute cannot split a header. Immutable and thread-safe.
 */
public final class IdentityHeaders {

    /** What a header carries. */
    private record Header(String name, String normalized, String source) {
    }

    private final List<Header> headers;

    private IdentityHeaders(List<Header> headers) {
        this.headers = List.copyOf(headers);
    }

    /** The headers of the {@code identityHeaders} setting. */
    public IdentityHeaders(IdentityHeaderMapping mapping) {
        this(mapping.headers().stream().map(h -> new Header(h.name(), normalize(h.name()), h.source())).toList());
    }

    public boolean isEmpty() {
        return headers.isEmpty();
    }

    /** Removes every incoming header that carries one of the configured names. */
    public void strip(Request request) {
        if (headers.isEmpty()) {
            return;
        }
        MimeHeaders mime = request.getCoyoteRequest().getMimeHeaders();
        for (int i = mime.size() - 1; i >= 0; i--) {
            String normalized = normalize(mime.getName(i).toString());
            for (Header header : headers) {
                if (header.normalized().equals(normalized)) {
                    mime.removeHeader(i);
                    break;
                }
            }
        }
    }

    /** Sets the configured headers from the session (after {@link #strip}). */
    public void add(Request request, SsoSession session) {
        if (headers.isEmpty()) {
            return;
        }
        MimeHeaders mime = request.getCoyoteRequest().getMimeHeaders();
        for (Header header : headers) {
            String value = value(header.source(), session);
            if (value != null) {
                mime.addValue(header.name()).setString(clean(value));
            }
        }
    }

    private static String value(String source, SsoSession session) {
        return switch (source) {
            case "principal" -> session.principal();
            case "nameId" -> session.nameId();
            case "roles" -> String.join(",", session.roles());
            case "authnContext" -> session.authnContextClassRef();
            default -> {
                List<String> values = session.attributeValues(source.substring("attribute:".length()));
                yield values == null || values.isEmpty() ? null : String.join(",", values);
            }
        };
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String clean(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return out.toString();
    }

    /** The configured header names, for logs. */
    public Map<String, String> describe() {
        java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
        headers.forEach(h -> map.put(h.name(), h.source()));
        return map;
    }
}
