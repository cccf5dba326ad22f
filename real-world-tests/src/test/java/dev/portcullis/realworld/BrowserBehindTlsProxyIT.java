package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Xml;

/**
 * The production shape, every part real: chromium → nginx terminating TLS (self-signed certificate
 * for localhost) → stock Tomcat 11.0.24 with the RemoteIpValve trusting 127.0.0.1 only and the
 * Portcullis valve with an https {@code externalBaseUrl} (docs/INSTALL.md steps 1-7) → Keycloak's
 * own login page. The IdP knows the SP only by its https URLs.
 *
 * <p>The tests run in order: the published URLs first, then a person signing in with chromium
 * (a screenshot per step in target/screenshots/BrowserBehindTlsProxyIT), then what the webapp sees
 * about the connection with that person's session.
 */
@Order(17)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserBehindTlsProxyIT {

    private static final String KEYCLOAK_SSO_PATH = "/realms/portcullis/protocol/saml";

    private StockTomcat tomcat;
    private TlsProxy proxy;
    private Idp keycloak;
    private HttpsClient https;
    private String external;
    private String sessionCookie;
    private Chromium chromium;

    @BeforeAll
    void start() {
        tomcat = StockTomcat.install("11.0.24", RealWorld.freePort());
        proxy = TlsProxy.start(tomcat.port());
        external = proxy.baseUrl();
        // Keycloak signs its LogoutResponses only when it signs documents ("Sign documents"), so both are on.
        // The realm's client also has Portcullis's /sso/slo as its Logout Service URLs (INSTALL.md step 8).
        keycloak = Idp.running(Idp.Settings.of(Idp.Kind.KEYCLOAK, external, tomcat.spCertificateFile())
                .signing(Idp.Kind.KEYCLOAK.signsLogout));
        tomcat.start(keycloak.metadataUrl(), external, true);
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
    void theSpMetadataServedOverHttpsNamesOnlyHttpsUrls() {
        HttpResponse<String> metadata = https.get(external + "/sso/metadata");

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("entityID=\"" + external + "/sso/metadata\"")
                .contains("Location=\"" + external + "/sso/acs\"")
                .doesNotContain("http://localhost:" + tomcat.port());
    }

    @Test
    @Order(2)
    void theAuthnRequestNamesTheHttpsAcsAndKeycloaksEndpoint() {
        HttpResponse<String> toIdp = https.get(external + "/sample/");

        assertThat(toIdp.statusCode()).isEqualTo(302);
        String location = toIdp.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(keycloak.origin() + KEYCLOAK_SSO_PATH + "?");
        Element request = SamlMessages.authnRequest(location);
        assertThat(request.getAttribute("Destination")).isEqualTo(keycloak.origin() + KEYCLOAK_SSO_PATH);
        assertThat(request.getAttribute("AssertionConsumerServiceURL")).isEqualTo(external + "/sso/acs");
        assertThat(Xml.first(request, SamlMessages.ASSERTION, "Issuer").getTextContent()).isEqualTo(external + "/sso/metadata");
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
            assertThat(driver.getCurrentUrl()).startsWith(keycloak.origin() + "/realms/portcullis/");

            driver.findElement(By.name("username")).sendKeys(ALICE);
            WebElement password = driver.findElement(By.name("password"));
            password.sendKeys(ALICE);
            chromium.screenshot("password-typed");
            driver.findElement(By.id("kc-login")).click();

            wait.until(ExpectedConditions.urlToBe(external + "/sample/admin/"));
            chromium.screenshot("back-on-the-admin-page");
            assertThat(driver.findElement(By.tagName("body")).getText()).contains("You are alice.");

            Cookie cookie = driver.manage().getCookieNamed("PORTCULLIS");
            assertThat(cookie).as("the Portcullis session cookie").isNotNull();
            assertThat(cookie.isSecure()).as("Secure").isTrue();
            assertThat(cookie.isHttpOnly()).as("HttpOnly").isTrue();
            assertThat(cookie.getSameSite()).isEqualTo("Lax");
            sessionCookie = cookie.getValue();

            driver.get(external + "/sample/");
            chromium.screenshot("sample-home");
            assertThat(driver.findElement(By.tagName("body")).getText()).contains("Signed in as alice")
                    .contains("Authentication type: SAML");

            driver.get(external + "/clash/");
            chromium.screenshot("clash-webapp");
            Map<String, Object> clash = ClashWebapp.report(driver.findElement(By.tagName("body")).getText());
            assertThat(clash).containsEntry("user", "alice").containsEntry("scheme", "https")
                    .containsEntry("secure", true);
        } catch (RuntimeException | AssertionError e) {
            chromium.screenshot("failure");
            throw e;
        }
    }

    @Test
    @Order(4)
    void tomcatBelievesTheForwardedProtocolOnlyFromTheProxyAddress() {
        assertThat(sessionCookie).as("the session of the chromium sign-in (test 3)").isNotNull();
        int proxyPort = URI.create(external).getPort();
        String[] headers = {"Host: localhost:" + proxyPort, "Cookie: PORTCULLIS=" + sessionCookie,
                "X-Forwarded-Proto: https", "X-Forwarded-Port: " + proxyPort, "Accept: text/html"};

        Map<String, Object> fromProxy = ClashWebapp.report(RawHttp.body(RawHttp.get("127.0.0.1", tomcat.port(), "/clash/", headers)));
        Map<String, Object> fromElsewhere = ClashWebapp.report(RawHttp.body(RawHttp.get("127.0.0.2", tomcat.port(), "/clash/", headers)));

        assertThat(fromProxy).containsEntry("user", "alice").containsEntry("scheme", "https").containsEntry("secure", true);
        assertThat(fromElsewhere).containsEntry("user", "alice").containsEntry("scheme", "http").containsEntry("secure", false);
    }

    @Test
    @Order(5)
    void signingOutEndsTheSessionForEveryWebappAndKeycloakAsksForThePasswordAgain() {
        assertThat(sessionCookie).as("the session of the chromium sign-in (test 3)").isNotNull();
        WebDriver driver = chromium.driver();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        try {
            driver.get(external + "/sso/logout");
            chromium.screenshot("sign-out-form");
            driver.findElement(By.cssSelector("form button[type=submit]")).click();
            wait.until(ExpectedConditions.urlContains("/sso/signed-out"));
            chromium.screenshot("signed-out");
            assertThat(driver.getCurrentUrl()).as("signed out here and at Keycloak (Single Logout)")
                    .isEqualTo(external + "/sso/signed-out?status=complete");

            assertThat(driver.manage().getCookieNamed("PORTCULLIS")).as("the session cookie is cleared").isNull();
            int proxyPort = URI.create(external).getPort();
            String old = RawHttp.get("127.0.0.1", tomcat.port(), "/clash/", "Host: localhost:" + proxyPort,
                    "Cookie: PORTCULLIS=" + sessionCookie, "X-Forwarded-Proto: https", "X-Forwarded-Port: " + proxyPort,
                    "Accept: text/html");
            assertThat(old).as("the old session cookie no longer opens the other webapp").startsWith("HTTP/1.1 302");

            driver.get(external + "/sample/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("password")));
            chromium.screenshot("keycloak-asks-again");
            assertThat(driver.getCurrentUrl()).startsWith(keycloak.origin() + "/realms/portcullis/");
        } catch (RuntimeException | AssertionError e) {
            chromium.screenshot("failure");
            throw e;
        }
    }

    @Test
    @Order(6)
    void theValveSawItsEndpointsOnlyUnderTheExternalHttpsOrigin() {
        // The valve warns when a request to its endpoints arrives under another origin than externalBaseUrl,
        // the sign of a proxy that Tomcat does not believe. After the sign-in and sign-out above, through the proxy, none did.
        assertThat(tomcat.log("portcullis.log")).contains("Portcullis started").doesNotContain("arrived as");
    }
}
