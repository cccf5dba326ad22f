package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link StockTomcatOperationsTests} on Apache Tomcat 9.0.98 with the Tomcat 9 JAR (javax.servlet). */
@Order(35)
class StockTomcat9OperationsIT extends StockTomcatOperationsTests {

    @Override
    String version() {
        return "9.0.98";
    }
}
