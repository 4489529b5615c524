import { defineConfig, devices } from "@playwright/test";

// The release build, served by the real server on a port of its own.
const port = Number(process.env.RABET_E2E_PORT ?? 8099);
export const baseURL = `http://127.0.0.1:${port}`;

const chromium = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    locale: "en-US",
    launchOptions: chromium,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "desktop", use: { viewport: { width: 1280, height: 800 } } },
    { name: "phone", use: { ...devices["Pixel 7"], viewport: { width: 390, height: 844 }, defaultBrowserType: "chromium" } },
  ],
  webServer: {
    // No sweeps of its own: a spec sweeps through the CLI (`Devices.sweep`) when it wants the
    // server to fire rules, so nothing fires in between.
    command: `target/release/rabet-server serve --addr 127.0.0.1:${port} --dist dist --data-dir target/e2e-data --automation-every-seconds 0`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
