/**
 * How every browser test here launches Chromium: Debian's build (browsers are
 * never downloaded here), or CHROMIUM_PATH; headless, and with the background
 * networking that this machine's closed network refuses turned off.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
