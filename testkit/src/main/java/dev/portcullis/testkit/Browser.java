package dev.portcullis.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A minimal browser for HTTP-level tests: keeps cookies per host (ignoring Secure, Domain and
 * expiry subtleties except deletion by Max-Age=0), never follows redirects by itself, and sends
 * {@code Accept: text/html} like a page navigation unless told otherwise. Not thread-safe.
 */
public final class Browser {

    private final HttpClient client;
    private final Duration timeout;
    private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();

    public Browser() {
        this(Duration.ofSeconds(30));
    }

    /** A browser that gives up on a request after {@code timeout}. */
    public Browser(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .build();
    }

    /** A response as the test needs it. */
    public record Page(int status, String body, Map<String, List<String>> headers, URI uri) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public List<String> headers(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return List.of();
        }

        public String location() {
            return header("Location");
        }
    }

    /** A page navigation (Accept: text/html). */
    public Page get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "text/html,application/xhtml+xml"));
    }

    /** A GET with the given extra headers (name, value, name, value ...). */
    public Page get(String url, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    /** A form POST, fields url-encoded in order. */
    public Page post(String url, Map<String, String> fields) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return post(url, body.toString());
    }

    /** A POST with a raw form-encoded body. */
    public Page post(String url, String formBody) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(formBody)));
    }

    /** Submits the first form of a page, as a browser would: its fields, some replaced, to its action. */
    public Page submit(Page page, Map<String, String> overrides) {
        String action = formAction(page.body());
        if (action == null) {
            throw new IllegalStateException("no form on the page (HTTP " + page.status() + ")");
        }
        Map<String, String> fields = formFields(page.body());
        fields.putAll(overrides);
        return post(page.uri().resolve(action).toString(), fields);
    }

    /** Follows redirects (GET) until a non-redirect answer, at most ten hops. */
    public Page follow(Page page) {
        Page current = page;
        for (int i = 0; i < 10 && current.status() / 100 == 3 && current.location() != null; i++) {
            current = get(current.uri().resolve(current.location()).toString());
        }
        return current;
    }

    /** The value of a cookie this browser holds for a host, or null. */
    public String cookie(String host, String name) {
        Map<String, String> jar = cookies.get(host);
        return jar == null ? null : jar.get(name);
    }

    public void setCookie(String host, String name, String value) {
        cookies.computeIfAbsent(host, h -> new LinkedHashMap<>()).put(name, value);
    }

    public void clearCookies() {
        cookies.clear();
    }

    private Page send(HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(timeout).build();
        Map<String, String> jar = cookies.get(request.uri().getHost());
        if (jar != null && !jar.isEmpty()) {
            StringJoiner header = new StringJoiner("; ");
            jar.forEach((k, v) -> header.add(k + "=" + v));
            builder.header("Cookie", header.toString());
            request = builder.build();
        }
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                remember(request.uri().getHost(), setCookie);
            }
            return new Page(response.statusCode(), response.body(), response.headers().map(), request.uri());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void remember(String host, String setCookie) {
        String[] parts = setCookie.split(";");
        int equals = parts[0].indexOf('=');
        if (equals <= 0) {
            return;
        }
        String name = parts[0].substring(0, equals).trim();
        String value = parts[0].substring(equals + 1).trim();
        boolean delete = value.isEmpty();
        for (String part : parts) {
            if (part.trim().equalsIgnoreCase("Max-Age=0")) {
                delete = true;
            }
        }
        Map<String, String> jar = cookies.computeIfAbsent(host, h -> new LinkedHashMap<>());
        if (delete) {
            jar.remove(name);
        } else {
            jar.put(name, value);
        }
    }

    /** Extracts hidden/input form fields (name → value) and the form action from an HTML page. */
    public static Map<String, String> formFields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<input[^>]*>", java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(html);
        while (m.find()) {
            String tag = m.group();
            String name = attribute(tag, "name");
            if (name != null) {
                String value = attribute(tag, "value");
                fields.put(name, value == null ? "" : value);
            }
        }
        return fields;
    }

    /** The action of the first form on the page, HTML-unescaped, or null. */
    public static String formAction(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<form[^>]*>", java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(html);
        return m.find() ? attribute(m.group(), "action") : null;
    }

    private static String attribute(String tag, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "\\s*=\\s*(\"([^\"]*)\"|'([^']*)')",
                java.util.regex.Pattern.CASE_INSENSITIVE).matcher(tag);
        if (!m.find()) {
            return null;
        }
        String raw = m.group(2) != null ? m.group(2) : m.group(3);
        return raw.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&#x2F;", "/").replace("&#47;", "/").replace("&amp;", "&");
    }

    /** Splits a URL query into decoded parameters (first value wins). */
    public static Map<String, String> query(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return params;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }
}
