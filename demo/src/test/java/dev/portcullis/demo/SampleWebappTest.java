package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample webapp in a plain embedded Tomcat, with a stand-in for an SSO valve in the Host pipeline
 * that binds the user named by test headers, the way Portcullis binds the signed-in user: a
 * {@link GenericPrincipal} with roles and the {@code portcullis.*} request attributes. Covers what the
 * webapp itself must get right: reading the identity, the container enforcing its admin constraint,
 * and escaping everything it prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleWebappTest {

    private static final String NASTY = "<script>alert(\"x\")</script>&'";

    private Tomcat tomcat;
    private String base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void deploy(@TempDir Path baseDir) throws LifecycleException {
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.getConnector().setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getEngine().setName("sample-webapp-test");
        baseDir.resolve("webapps").toFile().mkdirs();
        tomcat.getHost().getPipeline().addValve(new HeaderIdentityValve());
        WebappDefaults.deploy(tomcat, "/sample", Path.of(System.getProperty("portcullis.sampleWar")).toString());
        tomcat.start();
        base = "http://localhost:" + tomcat.getConnector().getLocalPort() + "/sample";
    }

    @AfterAll
    void stop() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    @Test
    void homePageShowsTheUserTheRolesAndThePortcullisAttributes() {
        HttpResponse<String> page = get("/", "alice", "user,admin");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as <strong>alice</strong>")
                .contains("Authentication type: SAML")
                .contains("<tr><td>user</td><td>yes</td></tr>").contains("<tr><td>admin</td><td>yes</td></tr>")
                .contains("portcullis.attributes").contains("mail = [alice@example.com]")
                .contains("portcullis.nameId").doesNotContain("unrelated.attribute");
    }

    @Test
    void homePageShowsThePrincipalsAttributesWhenItHasSome() {
        assertThat(get("/", "alice", "user").body()).contains("Attributes from the principal")
                .contains(AttributePrincipal.class.getName())
                .contains("department = [R&amp;D &lt;lab&gt;]");
        assertThat(get("/", "alice", "user", HeaderIdentityValve.PLAIN, "1").body())
                .contains("org.apache.catalina.realm.GenericPrincipal has no attributes")
                .doesNotContain("department");
    }

    @Test
    void homePageOffersASignedInUserAPlainLinkToTheHostsSignOutPage() {
        HttpResponse<String> signedIn = get("/", "alice", "user");
        HttpResponse<String> anonymous = get("/", null, null);

        assertThat(signedIn.body()).contains("<a id=\"sign-out\" href=\"/sso/logout\">Sign out</a>");
        assertThat(anonymous.body()).doesNotContain("Sign out").doesNotContain("/sso/logout");
    }

    @Test
    void theLegacySessionPageRemembersTheUserInItsOwnSessionAndTrustsItWhereNobodyIsSignedIn() {
        HttpResponse<String> signedIn = get("/session", "alice", "user");
        String sessionCookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID=")).map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElse(null);

        HttpResponse<String> publicWithSession = get("/public/session", null, null, "Cookie", sessionCookie);
        HttpResponse<String> publicWithout = get("/public/session", null, null);

        assertThat(signedIn.body()).contains("User remembered in this webapp's session: <strong>alice</strong>");
        assertThat(sessionCookie).as("the page created an HttpSession").isNotNull();
        assertThat(publicWithSession.body()).contains("User remembered in this webapp's session: <strong>alice</strong>")
                .contains("The container knows no user on this request");
        assertThat(publicWithout.body()).contains("No user is remembered in this webapp's session");
        assertThat(publicWithout.headers().allValues("Set-Cookie")).as("no session for nobody").isEmpty();
    }

    @Test
    void homePageWithoutAUserSaysSo() {
        HttpResponse<String> page = get("/", null, null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Not signed in").contains("<tr><td>admin</td><td>no</td></tr>");
    }

    @Test
    void adminAreaIsForbiddenToAUserWithoutTheAdminRoleAndOpenToOneWithIt() {
        assertThat(get("/admin/", "bob", "user").statusCode()).isEqualTo(403);
        assertThat(get("/admin/", null, null).statusCode()).isEqualTo(403);

        HttpResponse<String> admin = get("/admin/", "alice", "user,admin");
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("Admin area").contains("alice");
    }

    @Test
    void publicPageSaysWhetherAUserIsKnown() {
        assertThat(get("/public/", null, null).body()).contains("No user is known");
        assertThat(get("/public/", "bob", "user").body()).contains("The user known on this request is <strong>bob</strong>");
    }

    @Test
    void whoamiAnswersJsonWithTheCheckedRolesTheUserHolds() {
        HttpResponse<String> alice = get("/api/whoami", "alice", "admin,user,auditor");
        HttpResponse<String> nobody = get("/api/whoami", null, null);

        assertThat(alice.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(alice.body()).isEqualTo("{\"user\":\"alice\",\"roles\":[\"user\",\"admin\"]}");
        assertThat(nobody.body()).isEqualTo("{\"user\":null,\"roles\":[]}");
    }

    @Test
    void everythingPrintedIsEscaped() {
        HttpResponse<String> home = get("/", NASTY, "user");
        HttpResponse<String> json = get("/api/whoami", "a\"b\\c\n<d>", "user");

        assertThat(home.body()).doesNotContain("<script>").doesNotContain(NASTY)
                .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
        assertThat(json.body()).isEqualTo("{\"user\":\"a\\\"b\\\\c\\n\\u003cd\\u003e\",\"roles\":[\"user\"]}");
    }

    /** A GET as the named user (null for nobody), with extra headers (name, value, ...). */
    private HttpResponse<String> get(String path, String user, String roles, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        if (user != null) {
            request.header(HeaderIdentityValve.USER, user.replace("\n", "%0A")).header(HeaderIdentityValve.ROLES, roles);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A principal with attributes, as Portcullis's SamlPrincipal (the sample knows neither). */
    public static final class AttributePrincipal extends GenericPrincipal {
        private static final long serialVersionUID = 1L;

        AttributePrincipal(String name, List<String> roles) {
            super(name, roles);
        }

        public Map<String, List<String>> getAttributes() {
            return Map.of("department", List.of("R&D <lab>"));
        }
    }

    /** Binds the user named by test headers as an SSO valve would (only ever in this test). */
    static final class HeaderIdentityValve extends ValveBase {
        static final String USER = "X-Test-User";
        static final String ROLES = "X-Test-Roles";
        static final String PLAIN = "X-Test-Plain-Principal";

        HeaderIdentityValve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            String user = request.getHeader(USER);
            if (user != null) {
                String name = user.replace("%0A", "\n");
                List<String> roles = Arrays.asList(request.getHeader(ROLES).split(","));
                request.setUserPrincipal(request.getHeader(PLAIN) != null ? new GenericPrincipal(name, roles)
                        : new AttributePrincipal(name, roles));
                request.setAuthType("SAML");
                Map<String, List<String>> attributes = new LinkedHashMap<>();
                attributes.put("uid", List.of(name));
                attributes.put("mail", List.of("alice@example.com"));
                request.setAttribute("portcullis.attributes", attributes);
                request.setAttribute("portcullis.nameId", name);
                request.setAttribute("unrelated.attribute", "not shown");
            }
            getNext().invoke(request, response);
        }
    }
}
