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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.json.Json;

/**
 * Changes the Portcullis client of the running test Keycloak through Keycloak's admin REST API, the
 * way an operator would in the admin console. The admin password is the random one scripts/keycloak.sh
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
     * Sets the SAML client's Logout Service URL for both bindings (the console's "Logout Service POST/Redirect
     * Binding URL"), without which Keycloak answers a LogoutRequest with "Logout failed".
     */
    void setLogoutServiceUrl(String clientId, String url) {
        String clients = origin + "/admin/realms/" + REALM + "/clients";
        List<Object> found = new Json().toType(sendText(HttpRequest.newBuilder(
                URI.create(clients + "?clientId=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8))).GET(), 200),
                Json.LIST_OF_MAPS_TYPE);
        if (found.size() != 1) {
            throw new IllegalStateException("expected one Keycloak client " + clientId + ", found " + found.size());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> representation = new LinkedHashMap<>((Map<String, Object>) found.get(0));
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = new LinkedHashMap<>((Map<String, Object>) representation.get("attributes"));
        attributes.put("saml_single_logout_service_url_post", url);
        attributes.put("saml_single_logout_service_url_redirect", url);
        representation.put("attributes", attributes);
        sendText(HttpRequest.newBuilder(URI.create(clients + "/" + representation.get("id")))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(new Json().toJson(representation))), 204);
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
