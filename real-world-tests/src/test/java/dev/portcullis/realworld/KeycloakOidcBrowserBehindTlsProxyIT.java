package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@link BrowserBehindTlsProxyIT}'s production shape with OpenID Connect: chromium → nginx terminating TLS →
 * the stock Tomcat 11.0.24 distribution with the valve JAR and the OIDC add-on JAR both in {@code lib/}
 * (docs/INSTALL.md, "OpenID Connect"), {@code protocol="oidc"}, the client secret in conf/catalina.properties and
 * {@code ${portcullis.oidcClientSecret}} in server.xml, the RemoteIpValve trusting 127.0.0.1 only → Keycloak's own
 * login page. Keycloak knows the SP only by its https redirect URI.
 *
 * <p>The tests run in order: the authorization request, a person signing in with chromium (a screenshot per step
 * in target/screenshots/KeycloakOidcBrowserBehindTlsProxyIT), then signing out at Keycloak too.
 */
@Order(17)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakOidcBrowserBehindTlsProxyIT {

    private StockTomcat tomcat;
    private TlsProxy proxy;
    private KeycloakOidc keycloak;
    private HttpsClient https;
    private String external;
    private Chromium chromium;

    @BeforeAll
    void start() {
        tomcat = StockTomcat.install("11.0.24", RealWorld.freePort(), Map.of("PORTCULLIS_PROTOCOL", "oidc",
                "PORTCULLIS_OIDC_JAR", RealWorld.oidcJar().toString()));
        proxy = TlsProxy.start(tomcat.port());
        external = proxy.baseUrl();
        keycloak = KeycloakOidc.forSp(external);
        tomcat.startOidc(keycloak, external, true);
        https = new HttpsClient(proxy.certificate());
        chromium = Chromium.start(getClass().getSimpleName());
    }

    @AfterAll
    void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Test
    @Order(1)
    void bothJarsAreInLibAndTheSecretIsNotInServerXml() throws Exception {
        assertThat(tomcat.base().resolve("lib").resolve(RealWorld.valveJar().getFileName())).exists();
        assertThat(tomcat.base().resolve("lib").resolve(RealWorld.oidcJar().getFileName())).exists();
        String secret = KeycloakAdmin.oidcClientSecret();
        assertThat(Files.readString(tomcat.base().resolve("conf/server.xml"))).contains("protocol=\"oidc\"")
                .contains("oidcClientSecret=\"${portcullis.oidcClientSecret}\"").doesNotContain(secret);
        assertThat(tomcat.log("catalina.out") + tomcat.log("portcullis.log")).as("the secret is never logged")
                .contains("Portcullis started").doesNotContain(secret);
    }

    @Test
    @Order(2)
    void theAuthorizationRequestNamesTheHttpsRedirectUri() {
        HttpResponse<String> toKeycloak = https.get(external + "/sample/");

        assertThat(toKeycloak.statusCode()).isEqualTo(302);
        Map<String, String> query = keycloak.assertAuthorizationRequest(toKeycloak.headers().firstValue("Location").orElseThrow());
        assertThat(query.get("redirect_uri")).isEqualTo(external + "/sso/callback");
    }

    @Test
    @Order(3)
    void aPersonSignsInWithChromiumOnKeycloaksOwnLoginPage() {
        WebDriver driver = chromium.driver();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        try {
            driver.get(external + "/sample/admin/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("password")));
            chromium.screenshot("keycloak-login-page");
            assertThat(driver.getCurrentUrl()).startsWith(keycloak.authorizationEndpoint() + "?");

            driver.findElement(By.name("username")).sendKeys(ALICE);
            driver.findElement(By.name("password")).sendKeys(ALICE);
            chromium.screenshot("password-typed");
            driver.findElement(By.id("kc-login")).click();

            wait.until(ExpectedConditions.urlToBe(external + "/sample/admin/"));
            chromium.screenshot("back-on-the-admin-page");
            assertThat(driver.findElement(By.tagName("body")).getText()).contains("You are alice.");

            Cookie cookie = driver.manage().getCookieNamed("PORTCULLIS");
            assertThat(cookie).as("the Portcullis session cookie").isNotNull();
            assertThat(cookie.isSecure()).as("Secure").isTrue();
            assertThat(cookie.isHttpOnly()).as("HttpOnly").isTrue();

            driver.get(external + "/sample/api/whoami");
            assertThat(driver.findElement(By.tagName("body")).getText()).contains("\"user\":\"alice\"").contains("\"admin\"");

            driver.get(external + "/clash/");
            chromium.screenshot("clash-webapp");
            Map<String, Object> clash = ClashWebapp.report(driver.findElement(By.tagName("body")).getText());
            assertThat(clash).containsEntry("user", "alice").containsEntry("scheme", "https").containsEntry("secure", true);
        } catch (RuntimeException | AssertionError e) {
            chromium.screenshot("failure");
            throw e;
        }
    }

    @Test
    @Order(4)
    void signingOutEndsTheSessionHereAndAtKeycloakWhichAsksForThePasswordAgain() {
        WebDriver driver = chromium.driver();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        try {
            assertThat(driver.manage().getCookieNamed("PORTCULLIS")).as("signed in by test 3").isNotNull();
            // Other suites' sessions of alice may still be open at this Keycloak: only this one must end.
            KeycloakAdmin admin = KeycloakAdmin.signIn(keycloak.origin());
            int alicesSessions = admin.sessionCount(ALICE);
            driver.get(external + "/sso/logout");
            chromium.screenshot("sign-out-form");
            driver.findElement(By.cssSelector("form button[type=submit]")).click();
            wait.until(ExpectedConditions.urlContains("/sso/signed-out"));
            chromium.screenshot("signed-out");
            assertThat(driver.getCurrentUrl()).as("back from Keycloak's end_session_endpoint").startsWith(external + "/sso/signed-out?state=");
            assertThat(driver.findElement(By.tagName("body")).getText()).contains("and at your identity provider");
            assertThat(driver.manage().getCookieNamed("PORTCULLIS")).as("the session cookie is cleared").isNull();
            assertThat(admin.sessionCount(ALICE)).as("this session of alice's at Keycloak ended").isEqualTo(alicesSessions - 1);

            driver.get(external + "/sample/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("password")));
            chromium.screenshot("keycloak-asks-again");
            assertThat(driver.getCurrentUrl()).startsWith(keycloak.authorizationEndpoint());
        } catch (RuntimeException | AssertionError e) {
            chromium.screenshot("failure");
            throw e;
        }
    }

    @Test
    @Order(5)
    void theValveSawItsEndpointsOnlyUnderTheExternalHttpsOrigin() {
        assertThat(tomcat.log("portcullis.log")).contains("Portcullis started").doesNotContain("arrived as");
    }
}
