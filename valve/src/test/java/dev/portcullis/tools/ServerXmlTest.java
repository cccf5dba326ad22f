package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.portcullis.saml.SecureXml;

/** Reading the valve's attributes from server.xml and context files, with Tomcat's ${...} substitution. */
class ServerXmlTest {

    @TempDir
    Path temp;

    private ServerXml.ValveElement read(Path file, Properties system, Map<String, String> environment) throws Exception {
        return new ServerXml(system, environment::get, new SecureXml()).read(file);
    }

    private Path write(String relative, String content) throws Exception {
        Path file = temp.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @Test
    void takesTheFirstPortcullisValveWithItsAttributesInOrderAndLeavesValveBaseOnesOut() throws Exception {
        Path file = write("conf/server.xml", "<Server><Service><Engine><Host>"
                + "<!-- <Valve className=\"dev.portcullis.SsoValve\" externalBaseUrl=\"https://commented.example.com\"/> -->"
                + "<Valve className=\"org.apache.catalina.valves.RemoteIpValve\"/>"
                + "<Valve className=\" dev.portcullis.SsoValve \" asyncSupported=\"true\" externalBaseUrl=\"https://a.example.com\""
                + " idpMetadata=\"/idp.xml\"/>"
                + "<Valve className=\"dev.portcullis.SsoValve\" externalBaseUrl=\"https://second.example.com\"/>"
                + "</Host></Engine></Service></Server>");

        ServerXml.ValveElement valve = read(file, new Properties(), Map.of());

        assertThat(valve.attributes()).containsExactly(Map.entry("externalBaseUrl", "https://a.example.com"),
                Map.entry("idpMetadata", "/idp.xml"));
        assertThat(valve.contextPath()).isEmpty();
    }

    @Test
    void substitutesSystemPropertiesDefaultsCatalinaPropertiesAndTheEnvironmentInThatOrder() throws Exception {
        write("conf/catalina.properties", "sso.host=apps.example.com\nsso.overridden=from-file\n");
        Path file = write("conf/server.xml", "<Host><Valve className=\"dev.portcullis.SsoValve\""
                + " externalBaseUrl=\"https://${sso.host}\" spEntityId=\"${sso.overridden}\""
                + " idpMetadata=\"${catalina.base}/conf/idp.xml\" roleAttributes=\"${ROLE_ATTRIBUTE}\""
                + " clockSkew=\"${sso.skew:-90s}\" cookieName=\"${not.set}\"/></Host>");
        Properties system = new Properties();
        system.setProperty("sso.overridden", "from-jvm");

        ServerXml.ValveElement valve = read(file, system, Map.of("ROLE_ATTRIBUTE", "groups"));

        assertThat(valve.attributes()).containsEntry("externalBaseUrl", "https://apps.example.com")
                .containsEntry("spEntityId", "from-jvm")
                .containsEntry("idpMetadata", temp + "/conf/idp.xml")
                .containsEntry("roleAttributes", "groups")
                .containsEntry("clockSkew", "90s")
                .containsEntry("cookieName", "${not.set}");
        assertThat(valve.notes()).anyMatch(n -> n.contains("${catalina.base} = " + temp))
                .anyMatch(n -> n.contains("${ROLE_ATTRIBUTE} taken from the environment"))
                .anyMatch(n -> n.contains("${not.set} is not set; left as written"));
    }

    @Test
    void catalinaBaseComesFromTheEnvironmentBeforeTheFilesLocation() throws Exception {
        Path file = write("elsewhere/server.xml", "<Host><Valve className=\"dev.portcullis.SsoValve\""
                + " idpMetadata=\"${catalina.base}/conf/idp.xml\"/></Host>");

        ServerXml.ValveElement valve = read(file, new Properties(), Map.of("CATALINA_BASE", "/opt/tomcat"));

        assertThat(valve.attributes()).containsEntry("idpMetadata", "/opt/tomcat/conf/idp.xml");
    }

    @Test
    void aValveInAContextTakesItsPathFromTheContextOrTheFileName() throws Exception {
        String valve = "<Valve className=\"dev.portcullis.SsoValve\"/>";

        assertThat(read(write("conf/server.xml", "<Host><Context path=\"/shop\">" + valve + "</Context></Host>"),
                new Properties(), Map.of()).contextPath()).isEqualTo("/shop");
        assertThat(read(write("conf/Catalina/localhost/app.xml", "<Context>" + valve + "</Context>"),
                new Properties(), Map.of()).contextPath()).isEqualTo("/app");
        assertThat(read(write("conf/Catalina/localhost/shop#admin.xml", "<Context>" + valve + "</Context>"),
                new Properties(), Map.of()).contextPath()).isEqualTo("/shop/admin");
        assertThat(read(write("conf/Catalina/localhost/ROOT.xml", "<Context>" + valve + "</Context>"),
                new Properties(), Map.of()).contextPath()).isEmpty();
        assertThat(read(write("webapp/META-INF/context.xml", "<Context>" + valve + "</Context>"),
                new Properties(), Map.of()).contextPath()).isNull();
    }

    @Test
    void namesTheProblemWhenThereIsNoValveOrTheFileCannotBeRead() throws Exception {
        Path empty = write("conf/server.xml", "<Server/>");
        Path doctype = write("conf/dtd.xml", "<!DOCTYPE Server [<!ENTITY x \"y\">]><Server/>");

        assertThatThrownBy(() -> read(empty, new Properties(), Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("has no <Valve className=\"dev.portcullis.SsoValve\">");
        assertThatThrownBy(() -> read(doctype, new Properties(), Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("never processes DTDs");
        assertThatThrownBy(() -> read(temp.resolve("missing.xml"), new Properties(), Map.of()))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("no such file: ");
    }
}
