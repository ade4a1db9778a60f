-- People lookups: customers by e-mail prefix, by e-mail domain (an organization gaining
-- a domain links the customers on it), and users by group.
create index customer_emails_prefix on customer_emails (email text_pattern_ops);
create index customer_emails_domain on customer_emails (split_part(email, '@', 2));
create index customers_name_prefix on customers (lower(name) text_pattern_ops);
