// The console's entry (dist/admin/admin.js): defines <civic-admin-app>, which /admin/index.html shows.
import './admin-app.ts';
