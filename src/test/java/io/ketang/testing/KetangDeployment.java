package io.ketang.testing;

import java.io.File;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The real WAR that {@code mvn package} built, as Arquillian deploys it. */
public final class KetangDeployment {

    private KetangDeployment() {
    }

    public static WebArchive war() {
        File war = new File("target/ketang.war");
        if (!war.isFile()) {
            throw new IllegalStateException("target/ketang.war is missing: integration tests run after package (mvn verify)");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}
