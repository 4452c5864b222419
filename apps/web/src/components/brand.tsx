import Link from 'next/link';

export function Brand() {
  return (
    <Link href="/" className="brand">
      AI <span>Grid</span>
    </Link>
  );
}
