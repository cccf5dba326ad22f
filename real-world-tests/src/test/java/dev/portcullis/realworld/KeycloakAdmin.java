package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.json.Json;

/**
 * Does what an operator would in the admin console of the running test Keycloak, through Keycloak's
 * admin REST API. The admin password is the random one scripts/keycloak.sh
 * keeps in {@code <cache>/keycloak/admin-password}; it is sent to Keycloak only, never printed.
 */
final class KeycloakAdmin {

    private static final String REALM = "portcullis";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String origin;
    private final String token;

    private KeycloakAdmin(String origin, String token) {
        this.origin = origin;
        this.token = token;
    }

    /** Signs in to the master realm's admin API of the Keycloak at {@code origin}. */
    static KeycloakAdmin signIn(String origin) {
        String password;
        try {
            password = Files.readString(cacheDir().resolve("keycloak/admin-password")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no Keycloak admin password; was Keycloak started by scripts/keycloak.sh?", e);
        }
        KeycloakAdmin anonymous = new KeycloakAdmin(origin, null);
        String form = "grant_type=password&client_id=admin-cli&username=admin&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        Map<String, Object> answer = anonymous.send(HttpRequest.newBuilder(URI.create(origin + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), 200);
        return new KeycloakAdmin(origin, (String) answer.get("access_token"));
    }

    /**
     * Signs a user out of every Keycloak session, as the console's "Sign out" on the user's Sessions tab
     * does. Keycloak then tells each SAML client with a SingleLogoutService POST URL by a back-channel
     * LogoutRequest, which its own HTTP client posts there (not through a browser).
     */
    void logOutEverywhere(String username) {
        sendText(HttpRequest.newBuilder(URI.create(user(username) + "/logout"))
                .POST(HttpRequest.BodyPublishers.noBody()), 204);
    }

    /**
     * Points the realm's OpenID Connect client {@code portcullis-oidc} at one SP's endpoints, as an operator
     * registering Portcullis would in the client's settings: Valid redirect URIs {@code <endpoints>/callback},
     * Back-channel logout URL {@code <endpoints>/backchannel-logout} (session required, as imported), Valid post
     * logout redirect URIs {@code <endpoints>/signed-out}. Exact URIs, no wildcard.
     */
    void pointOidcClientAt(String endpoints) {
        String clients = origin + "/admin/realms/" + REALM + "/clients";
        List<Map<String, Object>> found = new Json().toType(sendText(HttpRequest.newBuilder(URI.create(clients
                + "?clientId=" + KeycloakOidc.CLIENT_ID)).GET(), 200), Json.LIST_OF_MAPS_TYPE);
        if (found.size() != 1) {
            throw new IllegalStateException("expected one Keycloak client " + KeycloakOidc.CLIENT_ID + ", found " + found.size());
        }
        Map<String, Object> client = new java.util.LinkedHashMap<>(found.get(0));
        client.put("redirectUris", List.of(endpoints + "/callback"));
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = new java.util.LinkedHashMap<>((Map<String, Object>) client.get("attributes"));
        attributes.put("backchannel.logout.url", endpoints + "/backchannel-logout");
        attributes.put("post.logout.redirect.uris", endpoints + "/signed-out");
        client.put("attributes", attributes);
        sendText(HttpRequest.newBuilder(URI.create(clients + "/" + client.get("id")))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(new Json().toJson(client))), 204);
    }

    /** The OIDC client's secret, which scripts/keycloak.sh made and put into the realm; never printed. */
    static String oidcClientSecret() {
        try {
            return Files.readString(cacheDir().resolve("keycloak/oidc-client-secret")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no OIDC client secret; was Keycloak started by scripts/keycloak.sh?", e);
        }
    }

    /** How many sessions the user has at Keycloak. */
    int sessionCount(String username) {
        List<Map<String, Object>> sessions = new Json().toType(sendText(HttpRequest.newBuilder(
                URI.create(user(username) + "/sessions")).GET(), 200), Json.LIST_OF_MAPS_TYPE);
        return sessions.size();
    }

    private String user(String username) {
        String users = origin + "/admin/realms/" + REALM + "/users";
        List<Map<String, Object>> found = new Json().toType(sendText(HttpRequest.newBuilder(URI.create(users + "?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8))).GET(), 200), Json.LIST_OF_MAPS_TYPE);
        if (found.size() != 1) {
            throw new IllegalStateException("expected one Keycloak user " + username + ", found " + found.size());
        }
        return users + "/" + found.get(0).get("id");
    }

    private Map<String, Object> send(HttpRequest.Builder request, int expectedStatus) {
        return new Json().toType(sendText(request, expectedStatus), Json.MAP_TYPE);
    }

    private String sendText(HttpRequest.Builder request, int expectedStatus) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException("Keycloak admin API " + built.method() + " " + built.uri().getPath()
                        + " answered " + response.statusCode() + ", expected " + expectedStatus);
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path cacheDir() {
        String configured = System.getenv("PORTCULLIS_CACHE_DIR");
        return configured != null && !configured.isBlank() ? Path.of(configured) : RealWorld.root().resolve(".cache");
    }
}
