import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Toaster } from 'sonner';
import { Providers } from './_lib/trpc/react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Syncline',
  description: 'Keep your business systems in sync: visual flows, run durably.',
  // public/: the logo as SVG for browsers that take it, ICO (16 and 32 px, scripts/assets/make-favicon.py) for the rest.
  icons: { icon: [{ url: '/favicon.svg', type: 'image/svg+xml' }, { url: '/favicon.ico', sizes: '32x32' }] },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
        <Toaster richColors position="bottom-right" closeButton />
      </body>
    </html>
  );
}
