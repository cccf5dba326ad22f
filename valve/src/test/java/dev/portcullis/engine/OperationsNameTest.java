package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.junit.jupiter.api.Test;

/** Each running valve gets an MBean name of its own, in Tomcat's key style (host, context). */
class OperationsNameTest {

    private static StandardHost host(String name) {
        StandardHost host = new StandardHost();
        host.setName(name);
        return host;
    }

    private static StandardContext context(StandardHost host, String path) {
        StandardContext context = new StandardContext();
        context.setPath(path);
        context.setName(path);
        context.setParent(host);
        return context;
    }

    @Test
    void twoHostsGetTwoNames() throws Exception {
        assertThat(Operations.objectName(host("a.example.com")).toString())
                .isEqualTo("dev.portcullis:type=SsoValve,host=a.example.com");
        assertThat(Operations.objectName(host("b.example.com"))).isNotEqualTo(Operations.objectName(host("a.example.com")));
    }

    @Test
    void aValveInAContextIsNamedAfterItsPathBesideItsHostsValve() throws Exception {
        StandardHost host = host("localhost");
        assertThat(Operations.objectName(context(host, "/app")).toString())
                .isEqualTo("dev.portcullis:type=SsoValve,host=localhost,context=/app");
        assertThat(Operations.objectName(context(host, "")).toString())
                .isEqualTo("dev.portcullis:type=SsoValve,host=localhost,context=/");
        assertThat(Operations.objectName(context(host, "/app"))).isNotEqualTo(Operations.objectName(host));
    }

    @Test
    void aValueWithAReservedCharacterIsQuoted() throws Exception {
        assertThat(Operations.objectName(context(host("localhost"), "/a,b=c")).getKeyProperty("context"))
                .isEqualTo("\"/a,b=c\"");
    }
}
